// verify (issue 17): the checks, sandboxed, in the mission's worktree; verification.md the evidence.
import type { Env } from '../env.js';
import type { Mission } from '../core/missions/mission.js';
import { formatViolation, judgeChange } from '../core/rules/judge.js';
import type { Home } from '../home/home.js';
import { readContract, writeContract } from '../home/missions.js';
import { rangeChanges } from '../git/changes.js';
import { git, iso, missionBook, settleStage, type MissionStep } from './missionbase.js';

export async function verifyStage(home: Home, env: Env, m: Mission): Promise<MissionStep> {
  const { runCheck } = await import('./missioncheck.js');
  // A tick killed between the arena's verdict and its pruning left losers behind: they go now.
  if (m.front.arena?.length) await (await import('./arena.js')).pruneLosers(env, m);
  const wt = m.front.worktree;
  const book = missionBook(home, m.front);
  // The change as committed on the mission branch is judged again: what verify passes is what promotes.
  const verdict = judgeChange(await rangeChanges(wt, env.vars, m.front.base, m.front.head ?? 'HEAD'), book);
  const results = [];
  for (const check of m.front.checks) results.push(await runCheck(home, env, wt, check, m.front.check_timeout_seconds));
  // Whatever the checks left (build output, caches) goes: the next stage starts from the commit.
  await git(wt, env, ['reset', '-q', '--hard', 'HEAD']);
  await git(wt, env, ['clean', '-q', '-fd']);
  const failed = results.filter((r) => r.exitCode !== 0);
  const ok = verdict.ok && !failed.length;
  const previous = await readContract(home.root, m.front.id, 'verification.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const lines = [
    `# Verification of ${m.front.id}`,
    '',
    `Latest: ${ok ? 'PASSED' : 'FAILED'} at ${iso(home, env)} on ${m.front.mission_branch} at ${(m.front.head ?? '').slice(0, 12)} (round ${m.front.round} of ${m.front.repair_rounds} repair rounds).`,
    '',
    `## Round ${m.front.round}: ${ok ? 'passed' : 'failed'} (${(m.front.head ?? '').slice(0, 12)})`,
    '',
    `- rulebook: ${verdict.ok ? `ok (${verdict.files} files)` : verdict.violations.map(formatViolation).join('; ')}`,
    ...(m.front.checks.length ? [] : ['- no checks are configured (aos mission new --check "<command>")']),
    ...results.flatMap((r) => [
      `- \`${r.command}\`: exit code ${r.exitCode}${r.timedOut ? ' (timed out, killed)' : ''}, ${r.durationMs} ms, output sha256:${r.hash}${r.sandboxed ? '' : ' (not sandboxed: aos.yaml sandbox: none)'}`,
      '',
      '  ```text',
      ...r.tail.split('\n').map((l) => `  ${l}`),
      '  ```',
      '',
    ]),
    '',
    history.replace(/^## Round/m, '## Round').trim() ? history.trim() : '',
  ];
  const file = await writeContract(home.root, m.front.id, 'verification.md', lines.join('\n').replace(/\n{3,}/g, '\n\n'));
  const reason = !verdict.ok ? `refused by the rulebook: ${verdict.violations.map(formatViolation).join('; ')}` : failed.map((r) => `\`${r.command}\` exit code ${r.exitCode}`).join('; ');
  return settleStage(home, env, m, { stage: 'verify', ok, ...(ok ? {} : { reason }) }, [file]);
}
