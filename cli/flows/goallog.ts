// Progress on a goal, as one operation any caller can use (`aos goal log`, an MCP client …): the
// file part (home/goallog.ts) and then a commit with trailers. An agent's goal tool uses the file
// part alone: its run commits.
import type { Identity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { recordProgress, type GoalLogInput, type GoalProgress } from '../home/goallog.js';
import { commitAsOwner, commitHandEditsFirst } from './ownercommit.js';

export interface GoalLogBy {
  /** Author and committer. */
  who: Identity;
  /** The name in the daily log's heading: "owner", an agent id, an MCP client … */
  actor: string;
  /** Extra commit trailers (Aos-Device is always added). */
  trailers?: Record<string, string>;
  /** false inside an agent run: the run's own commit takes the files. */
  commit?: boolean;
}

export interface GoalLogResult extends GoalProgress {
  /** Undefined when a tick held the lock: it commits the change as a hand edit. */
  commit?: string;
}

export async function logProgress(home: Home, env: Env, input: GoalLogInput, by: GoalLogBy): Promise<GoalLogResult> {
  if (by.commit !== false) await commitHandEditsFirst(home, env, 'goal log');
  const r = await recordProgress(home, env, input, by.actor);
  const sha = by.commit === false ? undefined : await commitAsOwner(home, env, 'goal log', {
    who: by.who,
    subject: `goal ${r.goal}: ${r.skill} ${r.previous} → ${r.value}`,
    trailers: { 'Aos-Kind': 'goal-log', 'Aos-Goal': r.goal, 'Aos-Skill': r.skill, ...by.trailers },
    paths: [r.file, r.log],
  });
  return { ...r, commit: sha };
}
