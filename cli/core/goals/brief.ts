// The morning brief, decided from plain facts: what is due, what waits, what happened yesterday,
// which goals are behind pace, and suggestions. Pure: the caller gathers the facts.
import { paceText, type GoalSummary } from './goals.js';
import type { RankedDue } from './goaldue.js';

export interface BriefFacts {
  date: string;
  yesterday: string;
  due: RankedDue[];
  pending: { id: string; subject: string; status: string; to?: string }[];
  approvals: { id: string; agent: string; action: string; argument: string }[];
  log: { time: string; kind: string; agent: string; text: string }[];
  goals: GoalSummary[];
  /** Subjects of the owner's items of the last SUGGEST_DAYS days (pending and done), for topic suggestions. */
  recent: string[];
  /** Titles, skill ids and names of every goal: a topic they mention already has a goal. */
  goalText: string;
  /** Files that failed validation and were left out. */
  invalid: string[];
  /** Dreams whose gates held them on their branch, waiting for the owner (aos dream show). */
  heldDreams?: { name: string; gates: string }[];
}

export interface Suggestion {
  topic?: string;
  items?: number;
  text: string;
}

export const SUGGEST_DAYS = 14;
/** Items on one topic, with no goal mentioning it, before a goal is proposed. */
export const SUGGEST_MIN_ITEMS = 3;

const STOP = new Set(
  `about above after again also because been before being between both could does doing down during each every from further have having here into itself just like make more most much must need only other over please same should some such than that their them then there these they this those through under until very want what when where which while will with would your yours find write tell show look send check today tomorrow morning evening week weeks next last three four five thing things something drill goal task owner agent reply note notes`.split(/\s+/),
);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 4 && !STOP.has(w)),
  );
}

/** Topics that SUGGEST_MIN_ITEMS or more recent items share and no goal mentions, most items first. */
export function topicSuggestions(subjects: readonly string[], goalText: string, max = 3): Suggestion[] {
  const counts = new Map<string, number>();
  for (const s of subjects) for (const w of words(s)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const covered = words(goalText);
  return [...counts]
    .filter(([w, n]) => n >= SUGGEST_MIN_ITEMS && !covered.has(w) && ![...covered].some((c) => c.startsWith(w) || w.startsWith(c)))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([topic, items]) => ({ topic, items, text: `${items} recent items mention "${topic}" and no goal covers it: propose one with aos goal new "${topic} …"` }));
}

export function suggestions(f: BriefFacts): Suggestion[] {
  const out = topicSuggestions(f.recent, f.goalText);
  for (const g of f.goals.filter((x) => x.status === 'active' && x.pace?.verdict === 'behind')) {
    out.push({ text: `${g.goal} is behind pace: more sessions for its largest gap, a narrower target, or a later deadline (your call)` });
  }
  return out;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The deterministic brief: markdown that reads well in a terminal, a mail and the log. */
export function briefText(f: BriefFacts, ideas: Suggestion[]): string {
  const out: string[] = [`Morning brief for ${f.date}`];
  out.push('', f.due.length ? `Due today (${f.due.length}), most useful first:` : 'Nothing due today.');
  for (const d of f.due.slice(0, 8)) out.push(`- ${d.goal} · ${d.skill} (${d.reason}): ${oneLine(d.drill, 140)}`);
  if (f.due.length > 8) out.push(`- … and ${f.due.length - 8} more (aos goal due)`);

  const byStatus = (s: string) => f.pending.filter((p) => p.status === s).length;
  out.push('', `Inbox: ${plural(f.pending.length, 'item')} pending (${byStatus('new')} new, ${byStatus('waiting')} waiting, ${byStatus('failed')} failed); ${plural(f.approvals.length, 'approval')} waiting for you.`);
  for (const a of f.approvals.slice(0, 5)) out.push(`- approval ${a.id}: ${a.agent} wants ${a.action} ${oneLine(a.argument, 80)} (aos approve / aos deny)`);
  for (const p of f.pending.slice(0, 5)) out.push(`- ${p.id} [${p.status}${p.to ? ` → ${p.to}` : ''}] ${oneLine(p.subject, 90)}`);
  if (f.pending.length > 5) out.push(`- … and ${f.pending.length - 5} more (aos inbox list)`);

  out.push('', f.log.length ? `Yesterday (${f.yesterday}): ${plural(f.log.length, 'log entry', 'log entries')}.` : `Yesterday (${f.yesterday}): nothing in the log.`);
  for (const e of f.log.slice(-10)) out.push(`- ${e.time.slice(0, 5)} ${e.kind} · ${e.agent}: ${oneLine(e.text, 110)}`);
  if (f.log.length > 10) out.push(`- (earlier entries: aos log --since ${f.yesterday})`);

  const behind = f.goals.filter((g) => g.status === 'active' && (g.pace?.verdict === 'behind' || g.pace?.verdict === 'overdue'));
  if (behind.length) {
    out.push('', 'Behind pace:');
    for (const g of behind) out.push(`- ${g.goal}: ${paceText(g.pace)}`);
  }
  if (f.heldDreams?.length) {
    out.push('', `Memory: ${plural(f.heldDreams.length, 'dream')} held on a branch, not merged:`);
    for (const d of f.heldDreams.slice(0, 5)) out.push(`- dream/${d.name}: ${oneLine(d.gates, 110)} (aos dream show ${d.name}, then merge or drop)`);
  }
  if (f.invalid.length) out.push('', `Left out, invalid: ${f.invalid.join(', ')} (aos doctor says why).`);
  if (ideas.length) {
    out.push('', 'Suggestions:');
    for (const s of ideas) out.push(`- ${s.text}`);
  }
  return out.join('\n') + '\n';
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** What the coordinator is asked, with the facts above as its only source. */
export function briefPrompt(facts: string): string {
  return `Write the owner's morning brief from these facts, and only these facts. Lead with what matters most
today, keep every due drill, waiting approval and suggestion, group the rest, and stay under 25 lines of
plain markdown. Do not invent anything that is not below.

${facts}`;
}
