// aos memory show | add | lint. Reading and printing here; the rules live in core/ (memindex,
// memlint, schemas), the writes in home/.
import { join } from 'node:path';
import type { Args, Env } from '../env.js';
import { UsageError, UserError, ValidationError, formatProblem, type Problem } from '../errors.js';
import { INDEX_FILE, INDEX_MAX_LINE, INDEX_MAX_LINES, INDEX_MAX_BYTES } from '../core/docs/textchecks.js';
import { parseIndex, indexLine, upsertEntry, indexedSlugs } from '../core/memory/memindex.js';
import { lintMemory, topicFile, TOPIC_SLUG } from '../core/memory/memlint.js';
import { MemorySchema, type MemoryFront } from '../core/docs/schemas.js';
import { validate } from '../core/docs/validate.js';
import { frontMatterText, renderDocument } from '../core/docs/frontmatter.js';
import { slugify } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { logPath } from '../core/docs/logfmt.js';
import { quoteSubject } from '../core/docs/commit.js';
import { closest } from '../core/docs/suggest.js';
import { openHome, type Home } from '../home/home.js';
import { readDoc } from '../home/documents.js';
import { loadMemories } from '../home/store.js';
import { createExclusive, isErrno, listNames, readIfExists, writeAtomic } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';

function readIndex(root: string): Promise<string | undefined> {
  return readIfExists(join(root, INDEX_FILE));
}

/** The topic file names in memory/ (without .md), valid or not. */
async function topicNames(root: string): Promise<string[]> {
  return (await listNames(join(root, 'memory')))
    .filter((e) => !e.isDir && e.name.endsWith('.md') && e.name !== 'MEMORY.md')
    .map((e) => e.name.slice(0, -3))
    .sort();
}

// ---- show ----

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const wanted = typeof args.slug === 'string' ? args.slug.trim() : '';
  if (args.agent !== undefined) return (await import('./memory-private.js')).showPrivate(home, env, String(args.agent), wanted);
  // "prefers-trains", "prefers-trains.md" and "memory/prefers-trains.md" all name the same topic.
  const slug = wanted.replace(/^(\.\/)?memory\//, '').replace(/\.md$/, '');
  if (!slug || slug === 'MEMORY') return showIndex(home, env);
  if (!/^[^/\\.][^/\\]*$/.test(slug)) throw new UsageError(`"${wanted}": expected a topic name such as prefers-trains (a file in memory/), found a path`);

  const names = await topicNames(home.root);
  if (!names.includes(slug)) {
    const guess = closest(slug, names);
    const hint = guess ? `did you mean "${guess}"?` : names.length ? 'aos memory show lists the index' : 'there are no topic files yet; aos memory add makes one';
    throw new UserError(`no memory "${slug}": expected a file ${topicFile(slug)}, found none (${hint})`);
  }
  const { doc, problems } = await readDoc<MemoryFront>(home.root, topicFile(slug), 'memory', home.docs);
  await home.docs.save();
  if (!doc) throw new ValidationError(problems);
  const f = doc.front;
  if (env.out.json) return env.out.data({ slug, file: doc.file, ...f, body: doc.body });

  env.out.line(`${f.title}  (${doc.file})`);
  const rows: [string, string | undefined][] = [
    ['type', f.type],
    ['status', f.status + (f.superseded_by ? ` — superseded by ${f.superseded_by} (aos memory show ${f.superseded_by})` : '')],
    ['description', f.description],
    ['created', f.created],
    ['updated', f.updated],
    ['supersedes', f.supersedes.join(', ') || undefined],
    ['sources', f.sources.join('\n               ') || undefined],
    ['tags', f.tags.join(', ') || undefined],
  ];
  for (const [k, v] of rows) if (v) env.out.line(`${(k + ':').padEnd(14)} ${v}`);
  const body = doc.body.trim();
  if (body) env.out.line(`\n${body}`);
}

async function showIndex(home: Home, env: Env): Promise<void> {
  const text = await readIndex(home.root);
  if (text === undefined) throw new UserError(`${INDEX_FILE}: expected the memory index, found no file (aos memory add creates it)`);
  if (env.out.json) {
    const entries = parseIndex(text).flatMap((l) => (l.slug ? [{ line: l.line, slug: l.slug, title: l.title, hook: l.hook, file: topicFile(l.slug) }] : []));
    return env.out.data({ file: INDEX_FILE, entries, text });
  }
  env.out.write(text.endsWith('\n') ? text : text + '\n');
}

// ---- add ----

/** "--description: expected …, found …": schema problems phrased as the option that caused them. */
function optionProblem(p: Problem, front: Record<string, unknown>): string {
  const option = p.field === 'title' ? 'the title' : `--${p.field}`;
  const value = p.field ? front[p.field] : undefined;
  const found = typeof value === 'string' && [...value].length > 60 ? `${[...value].length} characters` : p.found;
  return `${option}: expected ${p.expected}, found ${found}`;
}

export async function add(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const title = ((args.title as string[] | undefined) ?? []).join(' ').replace(/\s+/g, ' ').trim();
  if (!title) throw new UsageError('a memory needs a title: aos memory add "Prefers trains under 4 hours" --description "…"');
  const description = typeof args.description === 'string' ? args.description.replace(/\s+/g, ' ').trim() : undefined;
  if (!description) throw new UsageError('--description is required: one line of at most 150 characters saying what the memory is (the text goes on stdin)');
  const slug = typeof args.slug === 'string' ? args.slug.trim() : slugify(title);
  if (!TOPIC_SLUG.test(slug)) {
    throw new UsageError(`--slug: expected a file name of lowercase letters, digits and dashes (up to 80), found "${slug}"`);
  }

  await commitHandEditsFirst(home, env, 'memory add');
  const at = env.now();
  const { date } = localTime(at, home.config.owner.timezone);
  const file = topicFile(slug);
  // The memory cites the log entry this command writes: today's log, the entry whose ref is the slug.
  const front = {
    title,
    type: (args.type as string | undefined) ?? 'fact',
    description,
    created: date,
    updated: date,
    status: 'active',
    supersedes: [],
    sources: [`${logPath(date)}#${slug}`],
    tags: [],
  };
  const checked = validate(MemorySchema, front, file);
  if (checked.problems.length) throw new UsageError(checked.problems.map((p) => optionProblem(p, front)).join('\n') + '\nNothing was written.');

  const stdin = await env.readStdin();
  const body = stdin.replace(/\r\n?/g, '\n').replace(/^\s*\n/, '').trimEnd();
  const index = (await readIndex(home.root)) ?? '';

  try {
    await createExclusive(join(home.root, file), renderDocument(frontMatterText(front), body));
  } catch (err) {
    if (isErrno(err, 'EEXIST')) {
      throw new UserError(`${file} already exists; nothing was changed. Give another --slug for a new memory, or edit ${file} to change that one (aos memory show ${slug})`);
    }
    throw err;
  }

  // Only the new entry's line changes; every other line stays byte for byte as the owner wrote it.
  // A line the owner already wrote for this slug (a link ahead of its file) is kept as it is.
  const listed = indexedSlugs(index).includes(slug);
  const next = listed ? index : upsertEntry(index, slug, indexLine(slug, title, description));
  if (!listed) await writeAtomic(join(home.root, INDEX_FILE), next);

  const log = await appendLog(home, home.config.owner.timezone, at, {
    kind: 'memory',
    agent: 'owner',
    ref: slug,
    body: `Added ${file}: ${quoteSubject(title, 100)} (${front.type}) — ${description}`,
  });
  const sha = await commitAsOwner(home, env, 'memory add', {
    subject: `memory: add ${quoteSubject(title)}`,
    trailers: { 'Aos-Kind': 'memory-add', 'Aos-Memory': slug },
    paths: [file, INDEX_FILE, log],
  });

  const lines = next.replace(/\n$/, '').split('\n');
  const caps: string[] = [];
  if (lines.length > INDEX_MAX_LINES) caps.push(`${lines.length} lines (at most ${INDEX_MAX_LINES})`);
  if (Buffer.byteLength(next, 'utf8') > INDEX_MAX_BYTES) caps.push(`over ${INDEX_MAX_BYTES / 1024} KB`);
  if (caps.length) env.out.warn(`${INDEX_FILE} now has ${caps.join(' and ')}: aos dream prunes it, or trim it by hand (lines of at most ${INDEX_MAX_LINE} characters)`);

  if (env.out.json) return env.out.data({ slug, file, committed: sha ?? null });
  env.out.line(`Added ${file}${listed ? ` (${INDEX_FILE} already had a line for it, kept as it was)` : ` and its line in ${INDEX_FILE}`}${sha ? '' : ` (${LEFT_FOR_TICK})`}`);
}

// ---- lint ----

export async function lint(_args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const [index, memories, names] = await Promise.all([readIndex(home.root), loadMemories(home.root, home.docs), topicNames(home.root)]);
  await home.docs.save();
  const problems = lintMemory({
    index,
    topics: memories.docs.map((d) => ({ slug: d.name, front: d.front })),
    files: new Set(names),
    invalid: memories.problems,
  });
  if (env.out.json) {
    env.out.data({ ok: problems.length === 0, problems });
  } else if (problems.length) {
    for (const p of problems) env.out.line(formatProblem(p));
    const files = new Set(problems.map((p) => p.file)).size;
    env.out.warn(`\n${problems.length} memory problem(s) in ${files} file(s). Nothing was changed.`);
  } else {
    const entries = index === undefined ? 0 : indexedSlugs(index).length;
    env.out.line(`Memory is in order: ${entries} index entries, ${memories.docs.length} topic files.`);
  }
  return problems.length ? 1 : 0;
}
