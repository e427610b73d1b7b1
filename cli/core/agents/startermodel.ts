// Which model a new home thinks with, from what the owner already has: an Anthropic key in the
// environment, or the claude, codex or ollama program on PATH. Pure: facts found at the edge in
// (flows/initmodel.ts), aos.yaml's model: section and the sentence that says so out.

export const INIT_MODEL_CHOICES = ['auto', 'none', 'anthropic', 'claude', 'codex', 'ollama'] as const;
export type InitModelChoice = (typeof INIT_MODEL_CHOICES)[number];
export const CLI_BRAINS = ['claude', 'codex', 'ollama'] as const;
export type CliBrain = (typeof CLI_BRAINS)[number];

/** What the machine has, found by the edge; nothing else is looked at. */
export interface ModelFacts {
  /** ANTHROPIC_API_KEY is set (its value is never needed here). */
  apiKey: boolean;
  /** The programs found on PATH. */
  programs: readonly CliBrain[];
  /** Models `ollama list` printed (empty when ollama is missing or has none pulled). */
  ollamaModels: readonly string[];
}

export interface StarterModel {
  /** What was chosen: a provider or a CLI brain, or none. */
  kind: 'none' | 'anthropic' | CliBrain;
  /** aos.yaml's model: section. */
  setting: Record<string, unknown>;
  /** What the owner is told: what was chosen, why, and how to change it. */
  said: string;
}

export const ANTHROPIC_MODEL = 'claude-sonnet-4-6';
const CHANGE = 'To change it: edit model: in aos.yaml (docs/providers.md), or make the home again with aos init --model none|anthropic|claude|codex|ollama.';

/**
 * Without --model: on a terminal aos looks for a model (auto); elsewhere (cron, a script) it never
 * chooses silently, so the home starts with none until the owner asks for auto or names one.
 */
export function resolveModelChoice(asked: InitModelChoice | undefined, isTerminal: boolean): InitModelChoice {
  return asked ?? (isTerminal ? 'auto' : 'none');
}

/** What a home made without --model and off a terminal is told: nothing was chosen, and how to choose. */
export const NOT_CHOSEN_OFF_TERMINAL =
  'Model: none (not a terminal, so aos chose nothing for you). aos init --model auto takes what this machine has ' +
  '(ANTHROPIC_API_KEY, or claude, codex or ollama on PATH); or set model: in aos.yaml (docs/providers.md).';

/** The model names `ollama list` printed: its first column, under the NAME header. */
export function parseOllamaList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((name, i) => name !== '' && !(i === 0 && name === 'NAME'));
}

function setting(kind: StarterModel['kind'], ollamaModel?: string): Record<string, unknown> {
  switch (kind) {
    case 'none':
      return { provider: 'none' };
    case 'anthropic':
      return { provider: 'anthropic', model: ANTHROPIC_MODEL };
    case 'claude':
      return { provider: 'command', command: ['claude', '-p', '--output-format', 'json'], model: 'claude', timeout_seconds: 300 };
    case 'codex':
      return { provider: 'command', command: ['codex', 'exec', '--sandbox', 'read-only', '-'], model: 'codex', timeout_seconds: 600 };
    case 'ollama':
      return { provider: 'command', command: ['ollama', 'run', ollamaModel!], model: ollamaModel!, timeout_seconds: 300 };
  }
}

const WHAT_TO_INSTALL =
  'No model found, so agents will wait (inbox, goals, logs, status and doctor work without one). Any one of these makes them think:\n' +
  `  - an Anthropic API key: export ANTHROPIC_API_KEY=... (https://console.anthropic.com), then set model.provider: anthropic and model.model: ${ANTHROPIC_MODEL} in aos.yaml\n` +
  '  - Claude Code: npm install -g @anthropic-ai/claude-code, then run claude once to log in\n' +
  '  - Codex: npm install -g @openai/codex, then codex login\n' +
  '  - Ollama, a local model: https://ollama.com, then ollama pull llama3.1\n' +
  'then run aos init --model auto for a new home, or set model: in aos.yaml (docs/providers.md).';

const BRAIN_NAMES: Record<CliBrain, string> = { claude: 'Claude Code', codex: 'Codex', ollama: 'Ollama' };

function described(kind: StarterModel['kind'], how: string, ollamaModel?: string): string {
  if (kind === 'anthropic') {
    return `Model: Claude (${ANTHROPIC_MODEL}) through the Anthropic API, ${how}. The key stays in the environment, never in the home: cron and the systemd timers need it too (README, "A model"). ${CHANGE}`;
  }
  if (kind === 'none') return `Model: none, ${how}. ${CHANGE}`;
  const which = kind === 'ollama' ? `${BRAIN_NAMES.ollama} with ${ollamaModel}` : BRAIN_NAMES[kind];
  return `Model: ${which}, ${how} (model.provider: command in aos.yaml; cron needs ${kind} on its PATH too). ${CHANGE}`;
}

/** The home's model for --model <choice>, given what the machine has; or why that choice cannot be made. */
export function chooseStarterModel(asked: InitModelChoice | undefined, isTerminal: boolean, facts: ModelFacts): StarterModel | { error: string } {
  const choice = resolveModelChoice(asked, isTerminal);
  if (asked === undefined && choice === 'none') return { kind: 'none', setting: setting('none'), said: NOT_CHOSEN_OFF_TERMINAL };
  const has = (p: CliBrain): boolean => facts.programs.includes(p);
  if (choice === 'auto') {
    if (facts.apiKey) return { kind: 'anthropic', setting: setting('anthropic'), said: described('anthropic', 'because ANTHROPIC_API_KEY is set') };
    for (const p of ['claude', 'codex'] as const) {
      if (has(p)) return { kind: p, setting: setting(p), said: described(p, `because ${p} is on PATH`) };
    }
    if (has('ollama') && facts.ollamaModels.length) {
      const m = facts.ollamaModels[0]!;
      return { kind: 'ollama', setting: setting('ollama', m), said: described('ollama', `because ollama is on PATH with ${m} pulled`, m) };
    }
    const ollamaEmpty = has('ollama') ? '\n(ollama is installed but has no model pulled: ollama pull llama3.1 is enough.)' : '';
    return { kind: 'none', setting: setting('none'), said: WHAT_TO_INSTALL + ollamaEmpty };
  }
  if (choice === 'none') return { kind: 'none', setting: setting('none'), said: described('none', 'as asked') };
  if (choice === 'anthropic') {
    const how = facts.apiKey ? 'as asked' : 'as asked; ANTHROPIC_API_KEY is not set yet: export it before the first tick';
    return { kind: 'anthropic', setting: setting('anthropic'), said: described('anthropic', how) };
  }
  if (choice === 'ollama') {
    const m = facts.ollamaModels[0];
    if (!m) return { error: has('ollama') ? '--model ollama: ollama has no model pulled; run ollama pull llama3.1 first (nothing was changed)' : '--model ollama: ollama is not on PATH; install it from https://ollama.com and pull a model (nothing was changed)' };
    return { kind: 'ollama', setting: setting('ollama', m), said: described('ollama', `as asked, with ${m} (the first model ollama list shows)`, m) };
  }
  const how = has(choice) ? 'as asked' : `as asked; ${choice} is not on PATH yet: install it before the first tick`;
  return { kind: choice, setting: setting(choice), said: described(choice, how) };
}
