// promote (issue 17): the only step that touches the target branch. The rulebook and the gates
// (missiongates.ts, issue 18) first, then the owner is asked unless promote: auto, then the merge.
import { join } from 'node:path';
import type { Env } from '../env.js';
import { GitError } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { missionFile, type Mission, type MissionFront } from '../core/missions/mission.js';
import { formatViolation, judgeChange } from '../core/rules/judge.js';
import { actionHash } from '../core/agents/approval.js';
import type { Home } from '../home/home.js';
import { exists, readIfExists } from '../home/files.js';
import { closeApproval, createApproval, readLedger, writeLedger } from '../home/approvals.js';
import { writeMission } from '../home/missions.js';
import { gitRead, openRepo } from '../git/run.js';
import { rangeChanges } from '../git/changes.js';
import { commitMission, git, iso, missionBook, recordSkillOutcomes, settleStage, type MissionStep } from './missionbase.js';
import { runGates } from './missiongates.js';

const promoteInput = (m: MissionFront) => ({ mission: m.id, head: m.head, branch: m.branch, repo: m.repo, merge: m.merge });

export async function promoteStage(home: Home, env: Env, m: Mission): Promise<MissionStep> {
  const f = m.front;
  const head = f.head!;
  const tip = (await gitRead(f.repo, env.vars, ['rev-parse', '-q', '--verify', `refs/heads/${f.branch}`], { exit1Empty: true })).trim();
  if (!tip) return settleStage(home, env, m, { stage: 'promote', ok: false, reason: `the target branch ${f.branch} is gone from ${f.repo}` }, []);
  // Killed after the merge and before mission.md said so: the branch already has the change.
  if (await isAncestor(f.repo, env, head, tip)) return settleStage(home, env, m, { stage: 'promote', ok: true }, await closePromotion(home, env, m, 'done'), { 'Aos-Promoted': tip });
  const verdict = judgeChange(await rangeChanges(f.repo, env.vars, f.base, head), missionBook(home, f));
  if (!verdict.ok) return settleStage(home, env, m, { stage: 'promote', ok: false, refused: 'rulebook', reason: `refused by the rulebook: ${verdict.violations.map(formatViolation).join('; ')}` }, []);
  // The gates (security's secret scan, the bench) run once per head, before the owner is asked (an
  // approval is for this head: waiting for it runs nothing again) or before an auto promotion.
  const gated: string[] = [];
  if (!f.approval) {
    const g = await runGates(home, env, m, `ok (${verdict.files} files)`);
    if (!g.ok) return settleStage(home, env, m, { stage: 'promote', ok: false, reason: g.reason!, ...(g.gate === 'security' ? { refused: 'security' } : {}), gate: g.gate! }, [g.file]);
    gated.push(g.file);
  }
  const run = f.runs[f.runs.length - 1] ?? f.id;
  if (f.promote === 'ask') {
    const hash = actionHash(run, f.agent, 'promote_mission', promoteInput(f));
    if (!f.approval) {
      const a = await createApproval(home, env, {
        agent: f.agent, run, item: f.id, subject: `mission ${f.id}: ${f.goal}`, action: 'promote',
        argument: `${f.mission_branch} (${head.slice(0, 12)}) into ${f.branch} of ${f.repo} by ${f.merge === 'ff' ? 'fast-forward' : 'a merge commit'}`,
        hash, rule: 'mission.promote: ask', tool: 'promote_mission', tool_use_id: f.id, pattern: 'mission:promote',
        change: `Verified, replayed and gated; see missions/${f.id}/verification.md and gates.md.\n\n\`\`\`diff\n${(await gitRead(f.repo, env.vars, ['diff', '--stat', f.base, head])).trim()}\n\`\`\``,
      }, home.config.owner.timezone);
      const updated: Mission = { ...m, front: { ...f, approval: a.id, updated: iso(home, env) } };
      await writeMission(home.root, updated);
      await commitMission(home, env, updated, 'promote', `mission ${f.id}: promote asks the owner (${a.id})`, [m.file, a.file, ...gated], undefined, { 'Aos-Approval': a.id });
      return { id: f.id, stage: 'promote', note: `promote: waits for the owner's approval ${a.id} (aos approve ${a.id})` };
    }
    const file = `inbox/approvals/${f.approval}.md`;
    const raw = await readIfExists(join(home.root, file));
    const status = raw ? /^status: (\w+)/m.exec(raw)?.[1] : undefined;
    if (!raw) return { id: f.id, stage: 'promote', note: `promote: the approval ${f.approval} is gone; aos mission resume ${f.id} asks again` };
    if (status === 'pending') return { id: f.id, stage: 'promote', note: `promote: waits for the owner's approval ${f.approval}` };
    const ledger = await readLedger(home.root, f.approval);
    if (status === 'denied') {
      const closed = await closePromotion(home, env, m, 'denied');
      const stopped: Mission = { ...m, front: { ...f, status: 'stopped', reason: `the owner denied the promotion (${f.approval})`, approval: undefined, updated: iso(home, env) } };
      await writeMission(home.root, stopped);
      await commitMission(home, env, stopped, 'promote', `mission ${f.id}: promotion denied by the owner`, [m.file, ...closed]);
      await recordSkillOutcomes(home, env, stopped);
      return { id: f.id, stage: 'promote', note: 'promote: denied by the owner; the mission is stopped' };
    }
    if (status !== 'approved' || !ledger || ledger.hash !== hash) {
      return settleStage(home, env, m, { stage: 'promote', ok: false, reason: `the approval ${f.approval} does not match this promotion (it was asked for another change, or not by this device)` }, await closePromotion(home, env, m, 'refused'));
    }
    await writeLedger(home.root, { ...ledger, state: 'performing', answered: ledger.answered ?? iso(home, env) });
  }
  const promoted = await mergeInto(home, env, f, tip, head);
  if ('error' in promoted) return settleStage(home, env, m, { stage: 'promote', ok: false, reason: promoted.error }, [...gated, ...(await closePromotion(home, env, m, 'refused'))]);
  return settleStage(home, env, m, { stage: 'promote', ok: true }, [...gated, ...(await closePromotion(home, env, m, 'done'))], { 'Aos-Promoted': promoted.sha });
}

async function isAncestor(repo: string, env: Env, a: string, b: string): Promise<boolean> {
  try {
    await gitRead(repo, env.vars, ['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch (err) {
    if (err instanceof GitError) return false;
    throw err;
  }
}

/** Files the promotion's approval away (done, denied or refused); returns the files to commit. */
async function closePromotion(home: Home, env: Env, m: Mission, status: 'done' | 'denied' | 'refused'): Promise<string[]> {
  const id = m.front.approval;
  if (!id) return [];
  const file = `inbox/approvals/${id}.md`;
  if (!(await exists(join(home.root, file)))) return [];
  const ledger = await readLedger(home.root, id);
  if (ledger) await writeLedger(home.root, { ...ledger, state: status === 'done' ? 'performed' : status, answered: ledger.answered ?? iso(home, env) });
  const moved = await closeApproval(home.root, file, id, localTime(env.now(), home.config.owner.timezone).date, { status });
  return [file, moved];
}

/**
 * The merge itself: the new tip (the mission's head for a fast-forward, else a merge commit made
 * without a working tree), then the branch moved. A branch checked out in the target's working tree
 * moves by `git merge --ff-only` there, and only when that tree is clean.
 */
async function mergeInto(home: Home, env: Env, f: MissionFront, tip: string, head: string): Promise<{ sha: string } | { error: string }> {
  let next = head;
  if (f.merge === 'ff') {
    if (!(await isAncestor(f.repo, env, tip, head))) return { error: `${f.branch} moved on since the mission began (now ${tip.slice(0, 12)}); a fast-forward is impossible: set merge: merge in ${missionFile(f.id)} and aos mission resume ${f.id}` };
  } else {
    let tree: string;
    try {
      tree = (await gitRead(f.repo, env.vars, ['merge-tree', '--write-tree', tip, head])).split('\n')[0]!.trim();
    } catch (err) {
      if (err instanceof GitError) return { error: `merging ${f.mission_branch} into ${f.branch} conflicts: ${err.message.split('\n').slice(0, 5).join(' ')}` };
      throw err;
    }
    const msg = `mission ${f.id}: promote into ${f.branch}: ${f.goal}\n\nAos-Mission: ${f.id}\nAos-Stage: promote\n`;
    const who = home.owner;
    const repo = await openRepo(f.repo, env.vars, { who });
    next = (await repo.raw(['commit-tree', tree, '-p', tip, '-p', head, '-m', msg])).trim();
  }
  const trees = (await gitRead(f.repo, env.vars, ['worktree', 'list', '--porcelain'])).split('\n\n');
  const checkedOut = trees.find((t) => t.split('\n').includes(`branch refs/heads/${f.branch}`));
  if (checkedOut) {
    const dir = checkedOut.split('\n')[0]!.replace(/^worktree /, '');
    const dirty = (await gitRead(dir, env.vars, ['status', '--porcelain', '--untracked-files=no'])).trim();
    if (dirty) return { error: `${f.branch} is checked out in ${dir} with uncommitted changes (${dirty.split('\n').length} files); commit or stash them, then aos mission resume ${f.id}` };
    await git(dir, env, ['merge', '-q', '--ff-only', next]);
  } else {
    await git(f.repo, env, ['update-ref', `refs/heads/${f.branch}`, next, tip]);
  }
  return { sha: next };
}
