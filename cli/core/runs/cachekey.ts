// The prompt's cache key, per run, and why it changed between an agent's runs. The provider
// caches a request's prefix (the model, the tool list, the stable system block) byte for byte;
// when any of them changes, the next run pays for the whole prefix again. Each run record keeps
// short hashes of the prefix and of its parts (the agent's instructions, MEMORY.md), so
// `aos runs --cache` can say when the prefix changed and which part did it. Pure.
import { shortHash } from './runrecord.js';
import type { ToolDef } from './transcript.js';

export interface PromptPrint {
  stable: string;
  dynamic: string;
  tools: string;
  /** The cache key: model, tools and stable system block together. */
  prefix: string;
  /** The agent's instructions (its file's body). */
  instructions: string;
  /** memory/MEMORY.md as the run saw it (empty when the agent may not read memory). */
  memory: string;
}

export function promptPrint(p: { model: string; stable: string; dynamic: string; recent?: readonly string[]; tools: readonly ToolDef[]; instructions: string; memoryIndex: string }): PromptPrint {
  const tools = shortHash(JSON.stringify(p.tools));
  return {
    stable: shortHash(p.stable),
    // What follows the prefix: the log digest and the dynamic part, as the model reads them.
    dynamic: shortHash([...(p.recent ?? []), p.dynamic].join('\n\n')),
    tools,
    prefix: shortHash(JSON.stringify([p.model, tools, p.stable])),
    instructions: shortHash(p.instructions.trim()),
    memory: shortHash(p.memoryIndex.trim()),
  };
}

export interface PrefixRun {
  run: string;
  agent: string;
  started: string;
  model: string;
  prompt?: Partial<PromptPrint>;
}

export interface CacheBreak {
  agent: string;
  run: string;
  started: string;
  /** The run before it, whose prefix it did not share. */
  after: string;
  prefix: string;
  /** What changed, in words: instructions edited, MEMORY.md changed, tools changed, model changed, … */
  why: string[];
}

/** A run's prefix hash: recorded, or (older records) made from the hashes it has; undefined without any. */
export function prefixOf(r: PrefixRun): string | undefined {
  if (r.prompt?.prefix) return r.prompt.prefix;
  if (r.prompt?.stable && r.prompt.tools) return shortHash(JSON.stringify([r.model, r.prompt.tools, r.prompt.stable]));
  return undefined;
}

/**
 * Each point where an agent's prefix changed from its run before (runs in any order; they are
 * taken per agent, oldest first). The first run of an agent is a break too: nothing was cached yet.
 */
export function cacheBreaks(runs: readonly PrefixRun[], commitOrder?: ReadonlyMap<string, number>): { breaks: CacheBreak[]; runs: number } {
  // Start times have whole seconds: a tick runs several items of one agent within one, and a run
  // id's random tail says nothing of order. The order their commits were made in does.
  const seq = (r: PrefixRun) => commitOrder?.get(r.run) ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...runs].filter((r) => prefixOf(r)).sort((a, b) => a.started.localeCompare(b.started) || seq(a) - seq(b) || a.run.localeCompare(b.run));
  const last = new Map<string, PrefixRun>();
  const breaks: CacheBreak[] = [];
  for (const r of sorted) {
    const prev = last.get(r.agent);
    last.set(r.agent, r);
    const prefix = prefixOf(r)!;
    if (!prev) {
      breaks.push({ agent: r.agent, run: r.run, started: r.started, after: '', prefix, why: ['first run shown: nothing cached before it'] });
      continue;
    }
    if (prefixOf(prev) === prefix) continue;
    const why: string[] = [];
    if (prev.model !== r.model) why.push(`model changed (${prev.model} → ${r.model})`);
    if (prev.prompt?.tools !== r.prompt?.tools) why.push('tools changed (capabilities or aos version)');
    const known = (k: 'instructions' | 'memory') => prev.prompt?.[k] !== undefined && r.prompt?.[k] !== undefined;
    if (known('instructions') && prev.prompt!.instructions !== r.prompt!.instructions) why.push('instructions edited');
    if (known('memory') && prev.prompt!.memory !== r.prompt!.memory) why.push('MEMORY.md changed');
    if (!why.length && prev.prompt?.stable !== r.prompt?.stable) why.push(known('instructions') ? 'name, role or owner profile changed' : 'system prompt changed (older record: no finer detail)');
    breaks.push({ agent: r.agent, run: r.run, started: r.started, after: prev.run, prefix, why });
  }
  return { breaks, runs: sorted.length };
}
