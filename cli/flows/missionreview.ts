// review (issue 18): another agent reads the replayed change; its findings go back as a repair round.
import type { Env } from '../env.js';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { reviewTask, reviewVerdict, type Mission } from '../core/missions/mission.js';
import type { Home } from '../home/home.js';
import { readContract, writeContract } from '../home/missions.js';
import { gitRead } from '../git/run.js';
import { iso, settleStage, type MissionStep } from './missionbase.js';
import { missionSlot, runStageItem } from './missionrun.js';

/** The files a critic may read: the worktree, read only; its other grants as its file says. */
const READ_WORKTREE = parseCapabilities(['file:**:read']).caps;
const scopeReadOnly = (caps: Capability[]): Capability[] => [...caps.filter((c) => c.kind !== 'file'), ...READ_WORKTREE];

export async function reviewStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const f = m.front;
  const critic = f.review!;
  const diff = await gitRead(f.repo, env.vars, ['diff', f.base, f.head ?? 'HEAD']);
  // A big diff is cut: the critic can read the files themselves in the worktree.
  const shown = diff.length > 20_000 ? `${diff.slice(0, 20_000)}\n… (${diff.length - 20_000} more characters; read the files)` : diff;
  const ran = await runStageItem(home, env, m, 'review', reviewTask(m.body || f.goal, shown), deadline, { root: f.worktree, refuse: () => 'a review changes nothing', scope: scopeReadOnly }, {
    ...missionSlot(home, env, m, 'review'),
    label: `review-${f.round}`,
    agent: critic,
  });
  if (ran.state === 'pending') return { id: f.id, stage: 'review', note: `review: ${ran.note}` };
  if (ran.outcome !== 'done') return settleStage(home, env, m, { stage: 'review', ok: false, reason: `the critic's run ${ran.run} ended ${ran.outcome}` }, [], { 'Aos-Stage-Run': ran.run });
  const verdict = reviewVerdict(ran.text);
  const previous = await readContract(home.root, f.id, 'review.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const file = await writeContract(home.root, f.id, 'review.md', [
    `# Review of ${f.id}`,
    '',
    `Latest: ${verdict.ok ? 'APPROVED' : 'CHANGES ASKED'} by ${critic} (run ${ran.run}) at ${iso(home, env)} on ${f.mission_branch} at ${(f.head ?? '').slice(0, 12)}.`,
    '',
    `## Round ${f.round}: ${verdict.ok ? 'approved' : 'changes asked'} (${(f.head ?? '').slice(0, 12)})`,
    '',
    verdict.findings,
    '',
    history.trim(),
    '',
  ].join('\n').replace(/\n{3,}/g, '\n\n'));
  return settleStage(home, env, m, { stage: 'review', ok: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.findings.split('\n').slice(0, 3).join(' ').slice(0, 300) }) }, [file], { 'Aos-Stage-Run': ran.run });
}
