// replay (issue 17): the implement runs again from their records, in a scratch worktree; the same
// tree as the committed change or the mission fails.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import type { Mission } from '../core/missions/mission.js';
import { formatViolation, judgePaths } from '../core/rules/judge.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import type { Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { readRecord } from '../home/records.js';
import { readContract, readStageItem, replayPlace, writeContract } from '../home/missions.js';
import { gitRead } from '../git/run.js';
import { git, iso, missionBook, missionCaps, scopeToWorktree, settleStage, type MissionStep } from './missionbase.js';

export async function replayStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const verdict = await replayVerdict(home, env, m, deadline);
  const previous = (await readContract(home.root, m.front.id, 'verification.md')).trimEnd();
  const section = [
    '',
    `## Replay at ${iso(home, env)}: ${verdict.ok ? 'same diff' : 'DIFFERENT'}`,
    '',
    `- runs replayed from their records: ${verdict.runs.join(', ') || 'none'}`,
    `- tree of ${m.front.mission_branch}: ${verdict.want ?? '?'}`,
    `- tree of the replay: ${verdict.tree ?? '?'}`,
    ...(verdict.reason ? [`- ${verdict.reason}`] : []),
    '',
  ].join('\n');
  const file = await writeContract(home.root, m.front.id, 'verification.md', `${previous}\n${section}`);
  return settleStage(home, env, m, { stage: 'replay', ok: verdict.ok, ...(verdict.reason ? { reason: verdict.reason } : {}) }, [file]);
}

/** The mission's implement runs (m.front.runs) re-executed from their records in a scratch worktree, compared with m.front.head's tree. */
export async function replayVerdict(home: Home, env: Env, m: Mission, deadline: number): Promise<{ ok: boolean; reason?: string; tree?: string; want?: string; runs: string[] }> {
  const place = replayPlace(home.root, m.front.id);
  await fs.rm(place, { recursive: true, force: true });
  await git(m.front.repo, env, ['worktree', 'prune']);
  await fs.mkdir(place, { recursive: true });
  const target = join(place, 'target');
  await git(m.front.repo, env, ['worktree', 'add', '-q', '--detach', target, m.front.base]);
  let verdict: { ok: boolean; reason?: string; tree?: string; want?: string; runs: string[] };
  try {
    verdict = await replayRuns(home, env, m, place, target, deadline);
  } finally {
    await git(m.front.repo, env, ['worktree', 'remove', '--force', target]).catch(() => undefined);
    await fs.rm(place, { recursive: true, force: true });
    await git(m.front.repo, env, ['worktree', 'prune']).catch(() => undefined);
    await git(home.root, env, ['worktree', 'prune']).catch(() => undefined);
  }
  return verdict;
}

async function replayRuns(home: Home, env: Env, m: Mission, place: string, target: string, deadline: number) {
  const { createReplayProvider } = await import('../model/replay.js');
  const { executeRun } = await import('./execute.js');
  const { DocCache } = await import('../home/doccache.js');
  // Each implement run, and the runs it resumed after a crash, oldest first.
  const chain: string[] = [];
  for (const run of m.front.runs) {
    const own: string[] = [];
    for (let r: string | undefined = run; r; r = (await readRecord(home.root, runRecordPath(r))).front.resumes) own.unshift(r);
    chain.push(...own);
  }
  for (const [i, run] of chain.entries()) {
    const rec = await readRecord(home.root, runRecordPath(run));
    const f = rec.front;
    const sha = (await gitRead(home.root, env.vars, ['log', '-n1', '--format=%H', '--fixed-strings', `--grep=Aos-Run: ${run}`])).trim();
    if (!sha) return { ok: false, reason: `run ${run} has no commit in the home`, runs: chain };
    const scratch = join(place, `home-${i}`);
    await git(home.root, env, ['worktree', 'add', '-q', '--detach', scratch, `${sha}^`]);
    try {
      const scratchHome: Home = { ...home, root: scratch, docs: DocCache.none() };
      const { agents } = await loadAgents(scratch, scratchHome.docs);
      const agent = agents.find((a) => a.id === f.agent);
      const item = f.item ? await readStageItem(scratch, `missions/${m.front.id}/items/${f.item}.md`) : undefined;
      if (!agent || !item) return { ok: false, reason: `run ${run}: its agent or stage item was not in the home before it`, runs: chain };
      const { caps } = missionCaps(agent);
      let prefix = 0;
      if (f.resumes) prefix = (await readRecord(home.root, runRecordPath(f.resumes))).entries.length;
      const note = f.resumes && rec.entries[prefix]?.type === 'user' ? rec.entries[prefix] : undefined;
      const recorded = rec.entries.slice(prefix + (note ? 1 : 0));
      await executeRun({
        home: scratchHome,
        env: { ...env, now: () => new Date(f.started) },
        agent,
        caps,
        item,
        trigger: 'replay',
        kind: 'run',
        provider: createReplayProvider(recorded, f.model),
        deadline,
        spent: { tokens: 0, usd: 0 },
        workdir: { root: target, scope: scopeToWorktree, refuse: (p) => { const v = judgePaths([p], missionBook(home, m.front)); return v.length ? v.map(formatViolation).join('; ') : undefined; } },
        ...(f.resumes ? { resume: { run: f.resumes, entries: rec.entries.slice(0, prefix), ...(note && typeof note.content === 'string' ? { note: note.content } : {}) } } : {}),
        replay: { run },
        ...(m.front.skills?.length ? { skills: m.front.skills } : {}),
      });
    } finally {
      await git(home.root, env, ['worktree', 'remove', '--force', scratch]).catch(() => fs.rm(scratch, { recursive: true, force: true }));
    }
  }
  await git(target, env, ['add', '-A']);
  const tree = (await git(target, env, ['write-tree'])).trim();
  const want = (await gitRead(m.front.repo, env.vars, ['rev-parse', `${m.front.head}^{tree}`])).trim();
  return { ok: tree === want, tree, want, runs: chain, ...(tree === want ? {} : { reason: `the replay's tree ${tree.slice(0, 12)} differs from the committed change's ${want.slice(0, 12)}` }) };
}
