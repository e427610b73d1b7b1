// aos brief: gather the facts, write the brief (the coordinator with a model, else the
// deterministic summary), then print it, add it to the daily log, commit that, and notify.
import { briefPrompt, briefText, suggestions, SUGGEST_DAYS, type BriefFacts, type Suggestion } from '../core/goals/brief.js';
import { summarize } from '../core/goals/goals.js';
import { cadenceProblems, rankDue } from '../core/goals/goaldue.js';
import { addDays, localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import { costOf } from '../core/runs/prices.js';
import type { Usage } from '../core/runs/transcript.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { readGoals } from '../home/goals.js';
import { loadApprovals, loadDone, loadInbox } from '../home/store.js';
import { appendLog, readLog } from '../home/log.js';
import { commitAsOwner, commitHandEditsFirst } from './ownercommit.js';
import { notify } from '../home/notify.js';
import { askCoordinator } from './ask.js';
import { listDreams } from './dreamgate.js';

const BRIEF_BUDGET_MS = 3 * 60_000;

export interface BriefResult {
  facts: BriefFacts;
  suggestions: Suggestion[];
  text: string;
  /** The agent that wrote it, when a model did. */
  writer?: string;
  usage?: Usage;
  /** Why the deterministic brief was used although a model is configured. */
  fallback?: string;
  log?: string;
  commit?: string;
  notifyProblem?: string;
}

export async function gatherFacts(home: Home, env: Env): Promise<BriefFacts> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  const date = localTime(now, tz).date;
  const yesterday = addDays(date, -1);
  const since = addDays(date, -SUGGEST_DAYS);
  const [{ goals, problems }, inbox, approvals, done, log, dreams] = await Promise.all([
    readGoals(home),
    loadInbox(home.root, home.docs),
    loadApprovals(home.root, home.docs),
    loadDone(home.root, home.docs),
    readLog(home.root, yesterday, yesterday),
    listDreams(home, env),
  ]);
  // Work aos filed itself (drills, schedules) says nothing about what the owner is busy with.
  const ownerWork = [...inbox.items, ...done.items].filter((i) => !['drill', 'research', 'schedule'].includes(i.front.kind) && (i.front.created ?? '9999').slice(0, 10) >= since);
  return {
    date,
    yesterday,
    due: rankDue(goals, date, now, tz),
    pending: inbox.items.map((i) => ({ id: i.id, subject: i.subject, status: i.front.status, to: i.front.to })),
    approvals: approvals.docs.filter((a) => a.front.status === 'pending').map((a) => ({ id: a.front.id, agent: a.front.agent, action: a.front.action, argument: a.front.argument })),
    log: log.filter((e) => e.kind !== 'brief').map((e) => ({ time: e.time, kind: e.kind, agent: e.agent, text: e.body.split('\n')[0] ?? '' })),
    goals: goals.map((g) => summarize(g.name, g.front, g.start, date)),
    recent: ownerWork.map((i) => i.subject),
    goalText: goals.map((g) => [g.name, g.front.title, ...g.front.skills.flatMap((s) => [s.id, s.name])].join(' ')).join('\n'),
    heldDreams: dreams.filter((d) => d.state === 'held').map((d) => ({ name: d.name, gates: d.gates })),
    invalid: [...new Set([...problems, ...cadenceProblems(goals), ...inbox.problems, ...approvals.problems, ...done.problems].map((p) => p.file))],
  };
}

export async function brief(home: Home, env: Env, opts: { printOnly?: boolean }): Promise<BriefResult> {
  if (!opts.printOnly) await commitHandEditsFirst(home, env, 'brief');
  const facts = await gatherFacts(home, env);
  const ideas = suggestions(facts);
  const plain = briefText(facts, ideas);
  const result: BriefResult = { facts, suggestions: ideas, text: plain };
  const answer = await askCoordinator(home, env, `Today: ${facts.date}.`, briefPrompt(plain), BRIEF_BUDGET_MS);
  if (answer && 'writer' in answer) {
    result.text = answer.text.trim() + '\n';
    result.writer = answer.writer;
    result.usage = answer.usage;
  } else if (answer) {
    result.fallback = answer.fallback;
    if (answer.usage) result.usage = answer.usage;
  }
  if (opts.printOnly) return result;

  const tz = home.config.owner.timezone;
  result.log = await appendLog(home, tz, env.now(), { kind: 'brief', agent: result.writer ?? 'aos', body: result.text });
  const model = home.config.model.model;
  // The run module is big (tools, records); only a brief a model wrote needs its usage trailer.
  const usageTrailer = result.usage ? (await import('./execute.js')).usageTrailer : undefined;
  result.commit = await commitAsOwner(home, env, 'brief', {
    ...(result.writer ? { who: agentIdentity(result.writer) } : {}),
    subject: `brief for ${facts.date}${result.writer ? ` by ${result.writer}` : ''}`,
    trailers: {
      'Aos-Kind': 'brief',
      'Aos-Agent': result.writer,
      'Aos-Usage': result.usage && usageTrailer ? usageTrailer(result.usage, model ? costOf(model, result.usage, home.config.model.prices) : undefined) : undefined,
    },
    paths: [result.log],
  });
  result.notifyProblem = await notify(home.config, env.vars, result.text);
  return result;
}
