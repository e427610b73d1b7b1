// What a tool call can see and change during one run.
import type { TreeLimits } from '../core/agents/delegtree.js';
import type { Capability } from '../core/agents/capabilities.js';
import type { CapUse } from '../core/runs/runrecord.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';

export interface RunCtx {
  home: Home;
  env: Env;
  /** treeLimits: this agent's limits on a delegation tree (its budget may lower aos's); aos's when absent. */
  agent: { id: string; caps: Capability[]; treeLimits?: TreeLimits };
  /** chain: the agents this work passed through, this one last; children: delegations by earlier runs. */
  item: {
    id: string;
    file: string;
    chain: string[];
    children: string[];
    /** The root of its delegation tree (its own id when it heads one). */
    root?: string;
    /** The item that began this work: what every item the run creates carries as \`trace:\`. */
    trace?: string;
  };
  run: string;
  /** Every file the run created or changed, relative to the home: the run's commit takes exactly these. */
  touched: Set<string>;
  /** Called after each change to `touched`, so a crash still knows what the run wrote. */
  onTouch(): Promise<void>;
  /** Items this run delegated to. */
  children: string[];
  /** Messages sent to the owner, for the notify command. */
  messages: string[];
  /** Set by the finish tool. */
  finished?: string;
  /**
   * The policy check every tool that can do harm calls after its capability check and before it
   * acts: returns when the action may go ahead; throws ToolError for a "never" action, and
   * NeedsApproval (below) for an "ask" action, which ends the run until the owner answers.
   */
  gate(action: Action): Promise<void>;
  /** The capability verdicts of this run's calls (tools/capuse.ts), kept in the run record. */
  uses?: CapUse[];
  /** The rule that granted the current call, set by the gate (or a tool that checks its own grant). */
  lastRule?: string;
  /** Before each call: read the agent's capabilities as its file says now (revocation). */
  beforeCall?(): Promise<string | undefined>;
  /**
   * Inside a mission (issue 17): file paths are relative to this folder (the mission's worktree)
   * and the shell runs there, confined to it. What is written there is the mission's to judge and
   * commit, never the run's home commit. `refuse` judges a path before write_file writes it (the
   * rulebook): a reason refuses the write.
   */
  workdir?: { root: string; refuse?(path: string): string | undefined; /** The agent's capabilities as they apply there (re-applied each time they are re-read). */ scope?(caps: Capability[]): Capability[] };
}

/** The folder a run's file paths are relative to and its shell runs in: the mission's worktree, else the home. */
export const workRoot = (ctx: Pick<RunCtx, 'home' | 'workdir'>): string => ctx.workdir?.root ?? ctx.home.root;

export async function touch(ctx: Pick<RunCtx, 'touched' | 'onTouch'>, ...paths: string[]): Promise<void> {
  for (const p of paths) ctx.touched.add(p);
  await ctx.onTouch();
}

/**
 * An action a tool is about to take, as the policy sees it: `kind` and `resource` are matched against
 * `policy` patterns in aos.yaml (e.g. "shell:git push *", "http:*:post", "file:agents/**:write"),
 * and `input` is the tool's exact input, hashed to bind an approval to exactly this action.
 */
export interface Action {
  /** The tool's name (run_shell, fetch_url, write_file ...). */
  tool: string;
  kind: 'shell' | 'http' | 'file';
  /** shell: the command as written; http: the URL; file: the path relative to the home. */
  resource: string;
  /** shell: execute; http: the method in lower case; file: read or write. */
  verb: string;
  /** shell: the command's words as the parser read them (quotes removed), so quoting cannot dodge a rule. */
  argv?: readonly string[];
  input: unknown;
  /** The capability check's reason ("granted by …"): names the capability whose {rate} counts and the audit's rule. */
  grant?: string;
}

/** Thrown by the policy gate when the owner must answer first; the loop ends the run as waiting. */
export class NeedsApproval extends Error {
  override name = 'NeedsApproval';
  constructor(
    readonly approval: string,
    readonly file: string,
    readonly argument: string,
  ) {
    super(`waiting for the owner's approval ${approval}`);
  }
}

/** A refusal or failure the model should see as an error result (and may recover from). */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** The agents a tool may hand work or a message to. */
export async function agentIds(ctx: RunCtx): Promise<string[]> {
  return (await loadAgents(ctx.home.root, ctx.home.docs)).agents.filter((a) => a.front.status === 'active').map((a) => a.id);
}
