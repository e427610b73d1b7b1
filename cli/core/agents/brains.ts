// CLI brains as an agent's model: named profiles (claude, codex, ollama) chosen in the agent's
// front matter with `brain:`. A profile knows the program's arguments, how to read what it prints,
// and whether it can be given aos's own tools over MCP. Pure: a profile and facts in, argv out.
import * as v from 'valibot';

export const BRAIN_PROFILES = ['claude', 'codex', 'ollama'] as const;
export type BrainProfile = (typeof BRAIN_PROFILES)[number];

/** How a profile's stdout is read: claude's one JSON object, codex's JSON lines, or plain text. */
export type BrainOutput = 'claude-json' | 'codex-jsonl' | 'text';

interface ProfileDef {
  program: string;
  output: BrainOutput;
  /** Whether the program can be started with an MCP server attached. */
  mcp: boolean;
  /** Whether the program needs a model name (ollama run <model>). */
  needsModel: boolean;
}

export const PROFILES: Record<BrainProfile, ProfileDef> = {
  claude: { program: 'claude', output: 'claude-json', mcp: true, needsModel: false },
  codex: { program: 'codex', output: 'codex-jsonl', mcp: true, needsModel: false },
  ollama: { program: 'ollama', output: 'text', mcp: false, needsModel: true },
};

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const profile = v.picklist(BRAIN_PROFILES, `a brain profile: ${BRAIN_PROFILES.join(', ')}`);

const LONG_FORM = v.strictObject(
  {
    profile,
    /** The program (or program and leading arguments) instead of the profile's name on PATH. */
    program: v.optional(v.union([text, v.pipe(v.array(text), v.minLength(1, 'a program and its arguments, program first'))], 'a program name or path, or a list (program first)')),
    /** Appended after the profile's own arguments. */
    args: v.optional(v.array(v.string())),
    /** Attach aos's tools (aos mcp --agent <id>); default: when the profile supports it. */
    mcp: v.optional(v.boolean()),
    timeout_seconds: v.optional(v.pipe(v.number(), v.minValue(1, 'a number of seconds, 1 or more'))),
  },
  `a brain profile (${BRAIN_PROFILES.join(', ')}) or its long form { profile, program, args, mcp, timeout_seconds }`,
);

/** `brain: claude`, or the long form; the short form is read as { profile: claude }, so errors name the field that is wrong. */
export const BrainSchema = v.pipe(
  v.unknown(),
  v.transform((x) => (typeof x === 'string' ? { profile: x } : x)),
  LONG_FORM,
);
export type BrainField = v.InferOutput<typeof BrainSchema>;

export interface BrainSpec {
  profile: BrainProfile;
  program: string[];
  args: string[];
  mcp: boolean;
  timeoutSeconds?: number;
}

/** The long form of an agent's `brain:`, with the profile's defaults filled in, or why it cannot run. */
export function brainSpec(field: BrainField | BrainProfile): BrainSpec | { error: string } {
  const f = typeof field === 'string' ? { profile: field } : field;
  const def = PROFILES[f.profile];
  const program = f.program === undefined ? [def.program] : typeof f.program === 'string' ? [f.program] : f.program;
  if (f.mcp === true && !def.mcp) return { error: `brain ${f.profile} cannot be given aos's tools over MCP (set mcp: false, or choose claude or codex)` };
  return { profile: f.profile, program, args: f.args ?? [], mcp: f.mcp ?? def.mcp, ...(f.timeout_seconds !== undefined ? { timeoutSeconds: f.timeout_seconds } : {}) };
}

/** How to start `aos mcp` for the brain: the absolute node binary and its arguments. */
export interface McpLaunch {
  command: string;
  args: string[];
  /** Variables the server needs that the brain's scrubbed environment drops (AOS_DEVICE). */
  env?: Record<string, string>;
}

/** The MCP server name the brain sees; its tools are mcp__aos__<tool> in Claude Code. */
export const MCP_SERVER = 'aos';

/** The arguments of `aos mcp` for one agent's run: home, agent, run, and the parent's lock token. */
export function mcpArgs(script: string, o: { home: string; agent: string; run?: string; lockToken?: string }): string[] {
  return [script, 'mcp', '--home', o.home, '--agent', o.agent, ...(o.run ? ['--run', o.run] : []), ...(o.lockToken ? ['--under-lock', o.lockToken] : [])];
}

/** The program's argv for one call. The prompt goes on stdin; only the model and MCP vary per call. */
export function brainArgv(spec: BrainSpec, o: { model?: string; mcp?: McpLaunch }): string[] | { error: string } {
  const def = PROFILES[spec.profile];
  if (def.needsModel && !o.model) return { error: `brain ${spec.profile} needs a model: set model: in the agent's front matter (e.g. model: llama3.1)` };
  const mcp = spec.mcp ? o.mcp : undefined;
  switch (spec.profile) {
    case 'claude': {
      const env = mcp?.env && Object.keys(mcp.env).length ? { env: mcp.env } : {};
      const config = mcp && JSON.stringify({ mcpServers: { [MCP_SERVER]: { type: 'stdio', command: mcp.command, args: mcp.args, ...env } } });
      // --mcp-config and --allowedTools take several values, so each is followed by another option or the end.
      const tools = config ? ['--strict-mcp-config', '--mcp-config', config, '--allowedTools', `mcp__${MCP_SERVER}`] : [];
      return [...spec.program, '-p', '--output-format', 'json', ...(o.model ? ['--model', o.model] : []), ...spec.args, ...tools];
    }
    case 'codex': {
      // -c values are TOML; a JSON string or array of strings is valid TOML.
      const key = `mcp_servers.${MCP_SERVER}`;
      const env = Object.entries(mcp?.env ?? {}).flatMap(([k, v]) => ['-c', `${key}.env.${k}=${JSON.stringify(v)}`]);
      const tools = mcp ? ['-c', `${key}.command=${JSON.stringify(mcp.command)}`, '-c', `${key}.args=${JSON.stringify(mcp.args)}`, ...env] : [];
      return [...spec.program, 'exec', '--json', '--sandbox', 'read-only', ...(o.model ? ['-m', o.model] : []), ...spec.args, ...tools, '-'];
    }
    case 'ollama':
      return [...spec.program, 'run', o.model!, ...spec.args];
  }
}

/** What the prompt tells a brain that has aos's tools, instead of "tools are not available". */
export const MCP_TOOLS_NOTE =
  `aos's tools are available to you as MCP tools of the server "${MCP_SERVER}": memory_search and memory_read (memory, the log, ` +
  'handled items, goals), log_note (note a lasting observation in the daily log), inbox_add and inbox_list, goal_list and goal_log, ' +
  'agent_list and runs_recent. They act with exactly your capabilities; a refused call says why. Use them when the task ' +
  'needs them; your reply itself is still your answer.';
