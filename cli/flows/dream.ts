// aos dream: Orient (the index and topics), Gather (log entries since the last dream, from git),
// Consolidate (the model proposes operations; each is validated before it touches a file),
// Prune (index caps; superseded and stale entries out of the index, files kept). Every change is
// made in memory first, checked against the quarter rule, then written and committed as the dreamer.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { chunkEntries, citation, CITATION_FORMAT, dropsTooMuch, lineFor, newEntries, planPrune, renderEntry, validateOps, PROPOSE_TOOL, type Op, type Refusal, type Topic } from '../core/memory/dream.js';
import { frontMatterText, renderDocument, replaceBody, setFrontMatterFields } from '../core/docs/frontmatter.js';
import { parseLog, type LogEntry } from '../core/docs/logfmt.js';
import { removeEntries, upsertEntry } from '../core/memory/memindex.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import { addUsage, NO_USAGE, ModelError, type Provider, type Usage } from '../core/runs/transcript.js';
import { costOf } from '../core/runs/prices.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents, loadMemories } from '../home/store.js';
import { writeAtomic, monthFiles, readIfExists } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commit, type CommitSpec } from '../git/git.js';
import { gitRead } from '../git/run.js';
import { noCommitsYet, pathNotInCommit } from '../git/failures.js';
import { callWithRetry, retryClock } from '../model/retry.js';
import { usageTrailer } from './execute.js';

export const DREAMER = 'dreamer';
const INDEX = 'memory/MEMORY.md';
/** Rendered log text per model call; a year of backlog goes in several calls. */
export const CHUNK_CHARS = 40_000;
const DREAM_BUDGET_MS = 15 * 60_000;

export interface LastDream {
  sha: string;
  at: Date;
}

export async function lastDream(home: Home, env: Env): Promise<LastDream | undefined> {
  const out = (await gitRead(home.root, env.vars, ['log', '-n1', '--format=%H%x1f%cI', '--grep=^Aos-Kind: dream$'])).trim();
  if (!out) return undefined;
  const [sha, at] = out.split('\x1f');
  return { sha: sha!, at: new Date(at!) };
}

export async function runsSince(home: Home, env: Env, sha: string | undefined): Promise<number> {
  const range = sha ? [`${sha}..HEAD`] : ['HEAD'];
  // No commit yet is no run yet; any other git failure must not pass for 0 runs (never due, silently).
  const out = await gitRead(home.root, env.vars, ['log', '--format=%H', '--grep=^Aos-Kind: tick$', '--grep=^Aos-Kind: run$', ...range]).catch((err: unknown) =>
    noCommitsYet(err) ? '' : Promise.reject(err),
  );
  return out.split('\n').filter(Boolean).length;
}

/** Why a dream is not due yet, or undefined when it is. */
export async function notDue(home: Home, env: Env, last: LastDream | undefined): Promise<string | undefined> {
  const { min_hours, min_runs } = home.config.dream;
  const runs = await runsSince(home, env, last?.sha);
  const hours = last ? (env.now().getTime() - last.at.getTime()) / 3600_000 : Infinity;
  if (hours < min_hours) return `the last dream was ${hours.toFixed(1)} h ago (dream.min_hours: ${min_hours})`;
  if (runs < min_runs) return `${runs} run(s) since the last dream (dream.min_runs: ${min_runs})`;
  return undefined;
}

const DREAM_KINDS = new Set(['dream', 'dream-prune', 'dream-revert']);

/** Log entries added since the last dream, by comparing each changed log file with its text at that commit. */
export async function gather(home: Home, env: Env, last: LastDream | undefined): Promise<LogEntry[]> {
  let files: string[];
  if (last) {
    const out = await gitRead(home.root, env.vars, ['diff', '--name-only', last.sha, '--', 'logs']);
    files = out.split('\n').filter((f) => /^logs\/\d{4}\/\d{2}\/\d{4}-\d{2}-\d{2}\.md$/.test(f));
  } else {
    // Like every listing of the store, a symbolic link is neither listed nor followed.
    files = await monthFiles(home.root, 'logs', /^\d{4}-\d{2}-\d{2}\.md$/);
  }
  const entries: LogEntry[] = [];
  for (const file of files.sort()) {
    const date = file.slice(-13, -3);
    const now = await readIfExists(join(home.root, file));
    if (now === undefined) continue;
    // A log file the last dream's commit does not have is new since: all of it is new.
    const before = last ? await gitRead(home.root, env.vars, ['show', `${last.sha}:${file}`]).catch((err: unknown) => (pathNotInCommit(err) ? '' : Promise.reject(err))) : '';
    entries.push(...newEntries(parseLog(file, date, before), parseLog(file, date, now)).filter((e) => !DREAM_KINDS.has(e.kind)));
  }
  return entries;
}

export interface DreamPlan {
  gathered: number;
  applied: Op[];
  refused: Refusal[];
  pruned: string[];
  /** Why the model's answer did not count as a dream: its entries are offered to the next dream. */
  rejected?: string;
  /** Set when the dream was refused as a whole. */
  refusedAll?: string;
  /** What a dream refused as a whole would have written: it goes to its branch for the owner to see. */
  attempted?: Map<string, string>;
  /** memory/MEMORY.md before the dream. */
  indexBefore?: string;
  /** path → new text */
  writes: Map<string, string>;
  usage: Usage;
  cost?: number;
  consolidated: boolean;
  model?: string;
}

function topicOf(slug: string, front: Record<string, unknown>): Topic {
  return {
    slug,
    title: String(front.title),
    type: String(front.type),
    description: String(front.description),
    status: (front.status as Topic['status']) ?? 'active',
    supersedes: (front.supersedes as string[]) ?? [],
    superseded_by: front.superseded_by as string | undefined,
    created: String(front.created),
    updated: front.updated as string | undefined,
  };
}

/** Reads, asks, validates, prunes — and returns the files to write, without writing any. */
export async function planDream(home: Home, env: Env, entries: LogEntry[], provider: Provider | undefined, onProgress?: (text: string) => void): Promise<DreamPlan> {
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const memories = await loadMemories(home.root, home.docs);
  let topics = new Map(memories.docs.map((d) => [d.name, topicOf(d.name, d.front as unknown as Record<string, unknown>)]));
  const raw = new Map(await Promise.all(memories.docs.map(async (d) => [d.file, await fs.readFile(join(home.root, d.file), 'utf8')] as const)));
  const indexBefore = (await readIfExists(join(home.root, INDEX))) ?? '# Memory\n';
  let index = indexBefore;
  const writes = new Map<string, string>();
  const text = (file: string) => writes.get(file) ?? raw.get(file)!;
  const plan: DreamPlan = { gathered: entries.length, applied: [], refused: [], pruned: [], writes, usage: { ...NO_USAGE }, consolidated: false };

  if (provider && entries.length) {
    plan.consolidated = true;
    plan.model = provider.model;
    const { agents } = await loadAgents(home.root, home.docs);
    const instructions = agents.find((a) => a.id === DREAMER)?.body ?? 'You consolidate memory from the log. Never delete; supersede.';
    const citations = new Set<string>();
    const chunks = chunkEntries(entries, CHUNK_CHARS);
    const deadline = env.now().getTime() + DREAM_BUDGET_MS;
    for (const [n, chunk] of chunks.entries()) {
      onProgress?.(`consolidating chunk ${n + 1} of ${chunks.length} (${chunk.length} entries)`);
      for (const e of chunk) citations.add(citation(e));
      const listing = [...topics.values()].map((t) => `- ${t.slug} · ${t.type} · ${t.status} · ${t.title} — ${t.description}`).join('\n') || '(no topics yet)';
      const user = `Memory topics (slug · type · status · title — description):\n${listing}\n\nLog entries since the last dream${chunks.length > 1 ? ` (part ${n + 1} of ${chunks.length})` : ''}:\n\n${chunk.map(renderEntry).join('\n\n')}\n\nCall propose_operations once with every operation these entries justify (an empty list if none), citing each entry as ${CITATION_FORMAT}, the bracketed string before it.`;
      let proposed: unknown;
      try {
        const turn = await callWithRetry(
          provider,
          { model: provider.model, system: { stable: `${instructions.trim()}\n\n# Memory index (memory/MEMORY.md)\n\n${index.trim()}`, dynamic: `Today: ${today}.` }, tools: [PROPOSE_TOOL], toolChoice: PROPOSE_TOOL.name, messages: [{ role: 'user', content: user }], maxTokens: home.config.model.max_tokens ?? 8192 },
          { deadline, ...retryClock(env), maxAttempts: home.config.model.max_retries + 1 },
        );
        plan.usage = addUsage(plan.usage, turn.usage);
        proposed = operationsOf(turn.content);
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        plan.refused.push({ op: `chunk ${n + 1}`, reason: `the model call failed: ${err.message}` });
        plan.consolidated = false; // these entries were not consolidated: the next dream gathers them again
        break;
      }
      const checked = validateOps(proposed, topics, citations, today);
      plan.refused.push(...checked.refused);
      // A dream counts only when the model did its part: applied something, or said (with an empty
      // list) that nothing is worth remembering. Prose, or every operation refused, does not count,
      // so these entries are offered to the next dream again.
      if (!checked.valid.length && !(Array.isArray(proposed) && proposed.length === 0)) {
        plan.consolidated = false;
        plan.rejected = `the model's answer for chunk ${n + 1} of ${chunks.length} ${Array.isArray(proposed) ? 'had no operation that could be applied' : 'was not the propose_operations call'}`;
      }
      for (const op of checked.valid) index = applyOp(op, checked.after, text, writes, index, today);
      plan.applied.push(...checked.valid);
      topics = checked.after;
    }
  }

  const prune = planPrune(index, topics);
  if (prune.remove.size) index = removeEntries(index, prune.remove);
  for (const slug of prune.stale) writes.set(`memory/${slug}.md`, setFrontMatterFields(`memory/${slug}.md`, text(`memory/${slug}.md`), { status: 'stale', updated: today }));
  plan.pruned = prune.reasons;
  if (index !== indexBefore) writes.set(INDEX, index);
  const tooMuch = dropsTooMuch(indexBefore, index);
  if (tooMuch) {
    plan.refusedAll = tooMuch;
    plan.attempted = new Map(writes);
    writes.clear();
  }
  plan.indexBefore = indexBefore;
  plan.cost = plan.model ? costOf(plan.model, plan.usage, home.config.model.prices) : undefined;
  return plan;
}

/** The operations from the model's answer: the tool's input, or JSON in its text; anything else is returned as is to be refused. */
function operationsOf(content: readonly { type: string; name?: string; input?: unknown; text?: string }[]): unknown {
  const call = content.find((b) => b.type === 'tool_use' && b.name === PROPOSE_TOOL.name);
  if (call) return (call.input as { operations?: unknown } | undefined)?.operations;
  const text = content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n')
    .trim();
  const json = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1] ?? text;
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed : (parsed as { operations?: unknown })?.operations ?? 'not a list';
  } catch {
    return `invalid JSON: ${text.slice(0, 80)}`;
  }
}

function newTopicText(op: Extract<Op, { title: string }>, today: string, supersedes: string[]): string {
  const front = frontMatterText({ title: op.title, type: op.type, description: op.description, created: today, updated: today, status: 'active', supersedes, sources: op.sources });
  return renderDocument(front, op.body.trim() + '\n');
}

function applyOp(op: Op, topics: ReadonlyMap<string, Topic>, text: (f: string) => string, writes: Map<string, string>, index: string, today: string): string {
  const file = (slug: string) => `memory/${slug}.md`;
  const addSources = (f: string, sources: string[]) => {
    const had = /^sources:\s*\[(.*)\]\s*$/m.exec(text(f))?.[1];
    const current = had !== undefined ? had.split(',').map((s) => s.trim().replace(/^"|"$/g, '')).filter(Boolean) : [];
    return [...new Set([...current, ...sources])];
  };
  switch (op.op) {
    case 'add':
      writes.set(file(op.slug), newTopicText(op, today, []));
      return upsertEntry(index, op.slug, lineFor(op, topics.get(op.slug)!));
    case 'update': {
      const f = file(op.slug);
      const fields: Record<string, unknown> = { updated: today, sources: addSources(f, op.sources) };
      if (op.title) fields.title = op.title;
      if (op.description) fields.description = op.description;
      let t = setFrontMatterFields(f, text(f), fields);
      if (op.body) t = replaceBody(f, t, op.body);
      writes.set(f, t);
      return upsertEntry(index, op.slug, lineFor(op, topics.get(op.slug)!));
    }
    case 'supersede': {
      writes.set(file(op.old), setFrontMatterFields(file(op.old), text(file(op.old)), { status: 'superseded', superseded_by: op.slug, updated: today }));
      writes.set(file(op.slug), newTopicText(op, today, [op.old]));
      return upsertEntry(removeEntries(index, new Set([op.old])), op.slug, lineFor(op, topics.get(op.slug)!));
    }
    case 'merge': {
      const into = file(op.into);
      const from = file(op.from);
      writes.set(from, setFrontMatterFields(from, text(from), { status: 'superseded', superseded_by: op.into, updated: today }));
      const t = topics.get(op.into)!;
      let merged = setFrontMatterFields(into, text(into), { updated: today, supersedes: t.supersedes, sources: addSources(into, op.sources), ...(op.description ? { description: op.description } : {}) });
      if (op.body) merged = replaceBody(into, merged, op.body);
      writes.set(into, merged);
      return upsertEntry(removeEntries(index, new Set([op.from])), op.into, lineFor(op, t));
    }
  }
}

export function describeOp(op: Op): string {
  switch (op.op) {
    case 'add':
      return `added ${op.slug}`;
    case 'update':
      return `updated ${op.slug}`;
    case 'supersede':
      return `${op.slug} supersedes ${op.old}`;
    case 'merge':
      return `merged ${op.from} into ${op.into}`;
  }
}

/** Writes the planned files, the dream's log entry, and one commit as the dreamer. */
export async function applyDream(home: Home, env: Env, plan: DreamPlan): Promise<string | undefined> {
  for (const [file, text] of plan.writes) await writeAtomic(join(home.root, file), text);
  const log = await appendLog(home, home.config.owner.timezone, env.now(), dreamLogEntry(plan));
  return commit(home.root, env.vars, dreamCommitSpec(home, plan, [...plan.writes.keys(), log]), home.redact);
}

/** The dream's own log entry: what it gathered, applied, refused and pruned. */
export function dreamLogEntry(plan: DreamPlan): { kind: string; agent: string; body: string } {
  const lines = [
    `Gathered ${plan.gathered} log entr${plan.gathered === 1 ? 'y' : 'ies'}${plan.consolidated ? '' : plan.rejected ? ` (${plan.rejected}: they are offered to the next dream)` : plan.gathered ? ' (left for a dream with a model)' : ''}.`,
    ...plan.applied.map((op) => `- ${describeOp(op)} (from ${op.sources.join(', ')})`),
    ...plan.refused.map((r) => `- refused ${JSON.stringify(r.op).slice(0, 120)}: ${r.reason}`),
    ...plan.pruned.map((p) => `- pruned: ${p}`),
    ...(plan.refusedAll ? [`Refused the whole dream: ${plan.refusedAll}. Nothing was changed.`] : []),
  ];
  return { kind: plan.consolidated ? 'dream' : 'dream-prune', agent: DREAMER, body: lines.join('\n') };
}

export function dreamCommitSpec(home: Home, plan: DreamPlan, paths: string[], extra: Record<string, string> = {}): CommitSpec {
  return {
    who: agentIdentity(DREAMER),
    subject: `${DREAMER}: ${plan.refusedAll ? 'dream refused' : `${plan.applied.length} memory change(s), ${plan.pruned.length} pruned`}`,
    trailers: {
      'Aos-Kind': plan.consolidated ? 'dream' : 'dream-prune',
      'Aos-Agent': DREAMER,
      'Aos-Usage': plan.model ? usageTrailer(plan.usage, plan.cost) : undefined,
      'Aos-Device': home.device,
      ...extra,
    },
    paths,
  };
}
