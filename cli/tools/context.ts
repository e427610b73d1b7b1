// What a tool call can see and change during one run.
import type { Capability } from '../core/capabilities.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';

export interface RunCtx {
  home: Home;
  env: Env;
  agent: { id: string; caps: Capability[] };
  /** chain: the agents this work passed through, this one last; children: delegations by earlier runs. */
  item: { id: string; file: string; chain: string[]; children: string[] };
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
}

export async function touch(ctx: RunCtx, ...paths: string[]): Promise<void> {
  for (const p of paths) ctx.touched.add(p);
  await ctx.onTouch();
}
