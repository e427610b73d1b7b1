// aos review: the weekly self-review. The facts are counted from the files (run records, handled
// items, approvals); the coordinator's model reads them once and writes a short review with at most
// three proposals; the review goes to memory/reviews/<week>.md and each proposal becomes an inbox
// item with status `proposed`, which nothing runs until the owner sets it to new.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import { addDays, localTime } from '../core/docs/time.js';
import { costOf } from '../core/runs/prices.js';
import { parseRunRecord } from '../core/runs/runrecord.js';
import { routeVerdicts, type RouteItem, type RouteRow } from '../core/runs/routeverdict.js';
import { isoWeek, parseWeek, reviewDocument, reviewPrompt, splitProposals, weekFacts, type WeekFacts, type WeekRun } from '../core/runs/weekreview.js';
import { renderItem } from '../core/runs/inbox.js';
import { itemId } from '../core/docs/ids.js';
import type { Usage } from '../core/runs/transcript.js';
import type { Env } from '../env.js';
import { UsageError, type Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { loadFolder } from '../home/documents.js';
import { createExclusive, ensureFolder, monthFolders, writeAtomic } from '../home/files.js';
import { listRecords } from '../home/records.js';
import { loadApprovals, loadDone, loadInbox, type InboxItem } from '../home/store.js';
import type { ApprovalFront } from '../core/docs/schemas.js';
import { askCoordinator } from './ask.js';
import { commitAsOwner, commitHandEditsFirst } from './ownercommit.js';

const REVIEW_BUDGET_MS = 3 * 60_000;
export const REVIEWS_FOLDER = 'memory/reviews';

export interface ReviewResult {
  facts: WeekFacts;
  file?: string;
  text: string;
  review?: string;
  proposals: { id: string; file: string; text: string }[];
  writer?: string;
  usage?: Usage;
  fallback?: string;
  commit?: string;
}

async function weekRuns(home: Home, from: string): Promise<{ runs: WeekRun[]; problems: string[] }> {
  const tz = home.config.owner.timezone;
  const runs: WeekRun[] = [];
  const problems: string[] = [];
  // Month folders hold records by the month they started in, newest first: stop before the month
  // of the day before the week (a run late that night may be in the week, local time).
  const floor = addDays(from, -1).slice(0, 7).replace('-', '/');
  for (const file of await listRecords(home.root)) {
    if (file.slice('logs/runs/'.length, 'logs/runs/'.length + 7) < floor) break;
    try {
      const f = parseRunRecord(file, await fs.readFile(join(home.root, file), 'utf8')).front;
      const seconds = f.ended ? (Date.parse(f.ended) - Date.parse(f.started)) / 1000 : null;
      runs.push({
        run: f.run,
        agent: f.agent,
        item: f.item,
        outcome: f.outcome,
        date: localTime(new Date(f.started), tz).date,
        seconds: seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds : null,
        usage: f.usage,
        cost_usd: f.cost_usd,
        error: f.error,
      });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { runs, problems };
}

function routeItem(i: InboxItem): RouteItem {
  return { id: i.id, subject: i.subject, from: i.front.from ?? 'owner', to: i.front.to, handled_by: i.front.handled_by, status: i.front.status, created: i.front.created, finished: i.front.finished, children: i.front.children ?? [] };
}

async function answeredApprovals(home: Home): Promise<ApprovalFront[]> {
  const out: ApprovalFront[] = [];
  for (const folder of await monthFolders(home.root, 'inbox/approvals/done')) {
    out.push(...(await loadFolder<ApprovalFront>(home.root, folder, 'approval', home.docs)).docs.map((d) => d.front));
  }
  return out;
}

/**
 * The routing verdicts of items finished between two local days (inclusive; no end: up to now).
 * The re-addressing evidence looks at every item, so a later owner item still counts.
 */
export async function handledRoutes(home: Home, from: string | undefined, to?: string): Promise<{ rows: RouteRow[]; problems: Problem[] }> {
  const tz = home.config.owner.timezone;
  const [inbox, done, pending, answered] = await Promise.all([loadInbox(home.root, home.docs), loadDone(home.root, home.docs), loadApprovals(home.root, home.docs), answeredApprovals(home)]);
  const approvals = [...pending.docs.map((d) => d.front), ...answered];
  const denied = new Set(approvals.filter((a) => a.status === 'denied').flatMap((a) => (a.item ? [a.item] : [])));
  const items = [...inbox.items, ...done.items].map(routeItem);
  const within = (iso?: string) => {
    if (!iso) return false;
    const day = localTime(new Date(iso), tz).date;
    return (!from || day >= from) && (!to || day <= to);
  };
  const finished = new Set(items.filter((i) => within(i.finished)).map((i) => i.id));
  return { rows: routeVerdicts(items, denied).filter((r) => finished.has(r.item)), problems: [...inbox.problems, ...done.problems, ...pending.problems] };
}

export async function gatherWeek(home: Home, env: Env, weekName?: string): Promise<{ facts: WeekFacts; problems: string[] }> {
  const tz = home.config.owner.timezone;
  const today = localTime(env.now(), tz).date;
  const week = weekName === undefined ? isoWeek(today) : parseWeek(weekName);
  if (!week) throw new UsageError(`--week "${weekName}" is not a week: expected a name like ${isoWeek(today).week}`);
  const [{ runs, problems }, routes, pending, answered] = await Promise.all([
    weekRuns(home, week.from),
    handledRoutes(home, week.from, week.to),
    loadApprovals(home.root, home.docs),
    answeredApprovals(home),
  ]);
  const inWeek = (iso?: string) => !!iso && localTime(new Date(iso), tz).date >= week.from && localTime(new Date(iso), tz).date <= week.to;
  const asked = [...pending.docs.map((d) => d.front), ...answered].filter((a) => inWeek(a.created));
  const facts = weekFacts(week, runs, routes.rows, { asked: asked.length, denied: asked.filter((a) => a.status === 'denied').length });
  return { facts, problems: [...problems, ...routes.problems.map((p) => `${p.file}: ${p.expected ?? ''}`)] };
}

export async function review(home: Home, env: Env, opts: { week?: string; printOnly?: boolean }): Promise<ReviewResult & { problems: string[] }> {
  if (!opts.printOnly) await commitHandEditsFirst(home, env, 'review');
  const { facts, problems } = await gatherWeek(home, env, opts.week);
  const result: ReviewResult & { problems: string[] } = { facts, text: '', proposals: [], problems };
  let proposals: string[] = [];
  // One call, no tools: the facts are already counted; the model only reads them.
  const answer = await askCoordinator(home, env, `Week: ${facts.week}.`, reviewPrompt(facts), REVIEW_BUDGET_MS);
  if (answer && 'writer' in answer) {
    const split = splitProposals(answer.text);
    result.review = split.review;
    result.writer = answer.writer;
    result.usage = answer.usage;
    proposals = split.proposals;
  } else if (answer) {
    result.fallback = answer.fallback;
    if (answer.usage) result.usage = answer.usage;
  }
  const tz = home.config.owner.timezone;
  const now = localTime(env.now(), tz);
  result.proposals = proposals.map((text) => {
    const id = itemId(env.now(), env.randomBytes(4));
    return { id, file: `inbox/${id}.md`, text };
  });
  result.text = reviewDocument(facts, { writer: result.writer, review: result.review, proposals: result.proposals, fallback: result.fallback });
  if (opts.printOnly) return result;

  result.file = `${REVIEWS_FOLDER}/${facts.week}.md`;
  await ensureFolder(join(home.root, REVIEWS_FOLDER));
  // A second review of the same week replaces the first (the facts may have grown); git keeps both.
  await writeAtomic(join(home.root, result.file), home.redact(result.text));
  for (const p of result.proposals) {
    const body = `${p.text}\n\nProposed by the weekly review ${result.file}. Nothing runs it: set \`status: new\` (and \`to:\` an agent if you like) to have it done, or delete this file.\n`;
    await createExclusive(join(home.root, p.file), home.redact(renderItem({ id: p.id, text: body, created: now.iso, from: result.writer ?? 'aos', kind: 'task' }).replace(/^status: new$/m, 'status: proposed')));
  }
  const model = home.config.model.model;
  const usageTrailer = result.usage ? (await import('./execute.js')).usageTrailer : undefined;
  result.commit = await commitAsOwner(home, env, 'review', {
    ...(result.writer ? { who: agentIdentity(result.writer) } : {}),
    subject: `review of ${facts.week}${result.writer ? ` by ${result.writer}` : ''}${result.proposals.length ? ` (${result.proposals.length} proposal${result.proposals.length === 1 ? '' : 's'})` : ''}`,
    trailers: {
      'Aos-Kind': 'review',
      'Aos-Agent': result.writer,
      'Aos-Usage': result.usage && usageTrailer ? usageTrailer(result.usage, model ? costOf(model, result.usage, home.config.model.prices) : undefined) : undefined,
    },
    paths: [result.file, ...result.proposals.map((p) => p.file)],
  });
  return result;
}
