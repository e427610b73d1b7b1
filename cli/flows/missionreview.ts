// review (issue 18): another agent reads the replayed change; its findings go back as a repair round.
import type { Env } from '../env.js';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { candidateBrain, reviewTask, reviewVerdict, type Mission } from '../core/missions/mission.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import type { Home } from '../home/home.js';
import { readContract, writeContract, writeMission } from '../home/missions.js';
import { readRecord } from '../home/records.js';
import { gitRead } from '../git/run.js';
import { commitMission, iso, settleStage, type MissionStep } from './missionbase.js';
import { missionSlot, runStageItem } from './missionrun.js';

/** The files a critic may read: the worktree, read only; its other grants as its file says. */
const READ_WORKTREE = parseCapabilities(['file:**:read']).caps;
const scopeReadOnly = (caps: Capability[]): Capability[] => [...caps.filter((c) => c.kind !== 'file'), ...READ_WORKTREE];

/** The critic's task: the goal and the diff base..head, a big diff cut (the critic can read the files in the worktree). */
async function reviewText(env: Env, m: Mission): Promise<string> {
  const f = m.front;
  const diff = await gitRead(f.repo, env.vars, ['diff', f.base, f.head ?? 'HEAD']);
  const shown = diff.length > 20_000 ? `${diff.slice(0, 20_000)}\n… (${diff.length - 20_000} more characters; read the files)` : diff;
  return reviewTask(m.body || f.goal, shown);
}

const READ_ONLY = (f: Mission['front']) => ({ root: f.worktree, refuse: () => 'a review changes nothing', scope: scopeReadOnly });

export async function reviewStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  if (m.front.review_brains?.length) return dualReview(home, env, m, deadline);
  const f = m.front;
  const critic = f.review!;
  const ran = await runStageItem(home, env, m, 'review', await reviewText(env, m), deadline, READ_ONLY(f), {
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

/**
 * Independent reviews of the same change (`review_brains: [codex, claude]`): the critic's run once
 * per brain, one after another, each told the same goal and diff and none told another's answer.
 * Each verdict is committed in mission.md (`reviews:`) as it comes, so a killed tick never runs a
 * finished review again. Promote only when every review approves; the findings of any that asked
 * for changes go back to the implementing agent as one repair round.
 */
async function dualReview(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const f = m.front;
  const critic = f.review!;
  const brains = f.review_brains!;
  f.reviews ??= brains.map((brain) => ({ brain }));
  const task = await reviewText(env, m);
  for (const [i, r] of f.reviews.entries()) {
    if (r.verdict) continue;
    if (env.now().getTime() >= deadline) return { id: f.id, stage: 'review', note: `review: ${i} of ${brains.length} reviews done; the next tick goes on` };
    const picked = candidateBrain(r.brain);
    const ran = await runStageItem(home, env, m, 'review', task, deadline, READ_ONLY(f), {
      ...(r.item ? { item: r.item } : {}),
      label: `review-${f.round}-b${i + 1}`,
      agent: critic,
      ...(picked.brain || picked.model ? { brain: { ...(picked.brain ? { brain: { profile: picked.brain } as never } : {}), ...(picked.model ? { model: picked.model } : {}) } } : {}),
      save: async (file) => {
        r.item = file;
        await writeMission(home.root, m);
        await commitMission(home, env, m, 'review', `mission ${f.id}: review by ${critic} with ${r.brain} starts`, [m.file, file], home.owner);
      },
    });
    if (ran.state === 'pending') return { id: f.id, stage: 'review', note: `review with ${r.brain}: ${ran.note}` };
    r.run = ran.run;
    r.item = undefined;
    r.verdict = ran.outcome !== 'done' ? 'failed' : reviewVerdict(ran.text).ok ? 'approve' : 'changes';
    await writeMission(home.root, m);
    await commitMission(home, env, m, 'review', `mission ${f.id}: review by ${critic} with ${r.brain}: ${r.verdict === 'approve' ? 'approved' : r.verdict === 'changes' ? 'changes asked' : 'its run failed'}`, [m.file], undefined, { 'Aos-Stage-Run': ran.run });
  }
  const reviews = f.reviews;
  const answers = await Promise.all(reviews.map(async (r) => (r.run ? ((await readRecord(home.root, runRecordPath(r.run))).final ?? '') : '').trim()));
  const ok = reviews.every((r) => r.verdict === 'approve');
  const by = (rs: typeof reviews) => rs.map((r) => r.brain).join(' and ');
  const asking = reviews.filter((r) => r.verdict !== 'approve');
  const previous = await readContract(home.root, f.id, 'review.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const head = (f.head ?? '').slice(0, 12);
  const file = await writeContract(home.root, f.id, 'review.md', [
    `# Review of ${f.id}`,
    '',
    `Latest: ${ok ? `APPROVED by ${critic} with ${by(reviews)}` : `CHANGES ASKED by ${critic} with ${by(asking)}`} (runs ${reviews.map((r) => r.run ?? '?').join(', ')}) at ${iso(home, env)} on ${f.mission_branch} at ${head}.`,
    '',
    `## Round ${f.round}: ${ok ? `approved by all ${reviews.length}` : `changes asked by ${asking.length} of ${reviews.length}`} (${head})`,
    '',
    ...reviews.flatMap((r, i) => [
      `### ${critic} with ${r.brain} (run ${r.run ?? '?'}): ${r.verdict === 'approve' ? 'approved' : r.verdict === 'changes' ? 'changes asked' : 'the run failed'}`,
      '',
      answers[i] || '(no answer)',
      '',
    ]),
    history.trim(),
    '',
  ].join('\n').replace(/\n{3,}/g, '\n\n'));
  const reason = asking.map((r) => `${r.brain}: ${r.verdict === 'failed' ? `the critic's run ${r.run} failed` : (answers[reviews.indexOf(r)] ?? '').split('\n').slice(0, 3).join(' ')}`).join('; ').slice(0, 400);
  f.reviews = undefined;
  return settleStage(home, env, m, { stage: 'review', ok, ...(ok ? {} : { reason }) }, [file], { 'Aos-Stage-Run': reviews.map((r) => r.run).filter(Boolean).join(' ') });
}
