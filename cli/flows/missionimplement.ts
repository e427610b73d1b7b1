// plan and implement (issue 17): runs of the mission's agent; the plan is written to plan.md and
// risk.md, the change is judged by the rulebook and committed on the mission branch.
import type { Env } from '../env.js';
import { agentIdentity } from '../core/docs/commit.js';
import { implementTask, planTask, repairFile, type Mission, type MissionFront } from '../core/missions/mission.js';
import { describeFinding } from '../core/missions/gates.js';
import { formatViolation, judgeChange, type Rulebook } from '../core/rules/judge.js';
import type { Home } from '../home/home.js';
import { readContract, writeContract } from '../home/missions.js';
import { commit } from '../git/git.js';
import { gitRead } from '../git/run.js';
import { uncommittedChanges } from '../git/changes.js';
import { missionBook, rulebookRefuser, scopeToWorktree, settleStage, type MissionStep } from './missionbase.js';
import { runStageItem } from './missionrun.js';
import { dropChange, secretsInWorktree } from './missiongates.js';

export async function agentStage(home: Home, env: Env, m: Mission, stage: 'plan' | 'implement', deadline: number): Promise<MissionStep> {
  const book = missionBook(home, m.front);
  // Paths the rulebook refused at write_file, in this process: the change is refused with them.
  const { refused, refuse } = rulebookRefuser(book);
  let task: string;
  if (stage === 'plan') task = planTask(m.body || m.front.goal, m.front.checks);
  else {
    const from = m.front.repair ?? 'verify';
    const failures = m.front.round > 0 ? await readContract(home.root, m.front.id, repairFile(from)) : undefined;
    task = implementTask(m.body || m.front.goal, await readContract(home.root, m.front.id, 'plan.md'), failures, from);
  }
  const ran = await runStageItem(home, env, m, stage, task, deadline, { root: m.front.worktree, refuse, scope: scopeToWorktree });
  if (ran.state === 'pending') return { id: m.front.id, stage, note: `${stage}: ${ran.note}` };
  if (ran.outcome !== 'done') return settleStage(home, env, m, { stage, ok: false, reason: `run ${ran.run} ended ${ran.outcome}: ${ran.text.slice(0, 300)}` }, []);
  if (stage === 'plan') {
    const plan = await writeContract(home.root, m.front.id, 'plan.md', `# Plan\n\nWritten by ${m.front.agent} in run ${ran.run}.\n\n${ran.text.trim()}\n`);
    const risks = ran.text.split('\n').filter((l) => /risk/i.test(l));
    const risk = await writeContract(home.root, m.front.id, 'risk.md', riskText(m.front, book, risks));
    return settleStage(home, env, m, { stage: 'plan', ok: true }, [plan, risk], { 'Aos-Stage-Run': ran.run });
  }
  return afterImplement(home, env, m, book, ran.run, refused);
}

function riskText(m: MissionFront, book: Rulebook, fromPlan: string[], violations: string[] = [], secrets: string[] = []): string {
  return [
    '# Risks',
    '',
    `- The change must stay within the rulebook (${book.kinds.length} kinds of junk paths) and the limits: at most ${book.limits.maxFiles} files and ${Math.round(book.limits.maxBytes / 1024)} KB.`,
    `- Promotion into ${m.branch} ${m.promote === 'ask' ? "waits for the owner's approval" : 'happens without asking (promote: auto)'}, by ${m.merge === 'ff' ? 'fast-forward' : 'a merge commit'}.`,
    ...(fromPlan.length ? ['', '## Named in the plan', '', ...fromPlan.map((l) => l.trim())] : []),
    ...(violations.length ? ['', '## Refused by the rulebook', '', ...violations.map((v) => `- ${v}`)] : []),
    ...(secrets.length ? ['', '## Refused by the secret scan (the change was dropped; the values are not kept)', '', ...secrets.map((v) => `- ${v}`)] : []),
    '',
  ].join('\n');
}

/** After an implement run: the change judged by the rulebook, then committed on the mission branch. */
async function afterImplement(home: Home, env: Env, m: Mission, book: Rulebook, run: string, refusedWrites: string[]): Promise<MissionStep> {
  const wt = m.front.worktree;
  const changes = await uncommittedChanges(wt, env.vars);
  const verdict = judgeChange(changes, book);
  const violations = [...refusedWrites, ...verdict.violations.map(formatViolation)];
  if (verdict.violations.some((v) => v.rule === 'max-files')) violations.push(`the ${verdict.files} files: ${changes.map((c) => c.path).join(', ')}`);
  if (violations.length) {
    const risk = await writeContract(home.root, m.front.id, 'risk.md', riskText(m.front, book, [], violations));
    return settleStage(home, env, m, { stage: 'implement', ok: false, refused: 'rulebook', reason: `refused by the rulebook: ${violations.join('; ')}` }, [risk], { 'Aos-Stage-Run': run });
  }
  // The security gate's secret scan, before the commit (which would refuse it anyway, and the stage
  // would try again forever): the change is refused and dropped, naming file:line and the kind.
  const secrets = changes.length ? await secretsInWorktree(wt, env) : [];
  if (secrets.length) {
    await dropChange(wt, env);
    const named = secrets.map(describeFinding);
    const risk = await writeContract(home.root, m.front.id, 'risk.md', riskText(m.front, book, [], [], named));
    return settleStage(home, env, m, { stage: 'implement', ok: false, refused: 'security', reason: `refused by the security gate, secret-looking values in the change: ${named.join(', ')}` }, [risk], { 'Aos-Stage-Run': run });
  }
  let head = (await gitRead(wt, env.vars, ['rev-parse', 'HEAD'])).trim();
  if (changes.length) {
    const sha = await commit(wt, env.vars, {
      who: agentIdentity(m.front.agent),
      subject: `mission ${m.front.id}: implement${m.front.round ? ` (repair round ${m.front.round})` : ''}: ${m.front.goal}`.slice(0, 200),
      trailers: { 'Aos-Mission': m.front.id, 'Aos-Stage': 'implement', 'Aos-Run': run, 'Aos-Agent': m.front.agent },
    }, home.redact);
    if (sha) head = sha;
  }
  // Killed after the commit above: HEAD already carries this run's change (its trailer says so).
  const carries = (await gitRead(wt, env.vars, ['log', '-1', '--format=%B', head])).includes(`Aos-Run: ${run}`);
  if (!carries) return settleStage(home, env, m, { stage: 'implement', ok: false, reason: `run ${run} changed nothing in the worktree` }, [], { 'Aos-Stage-Run': run });
  return settleStage(home, env, m, { stage: 'implement', ok: true, head, run }, [], { 'Aos-Stage-Run': run });
}
