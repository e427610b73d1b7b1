// Files as work (issue 20): a file dropped in inbox/ (or copied from a watched folder) becomes an
// item that carries it. The file lives at inbox/files/<item>/<name> for good (the item moves to
// done, the file stays where the item's `attachment:` says), so a finished item still points at it.
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { itemId } from '../core/docs/ids.js';
import { renderItem, type NewItem } from '../core/runs/inbox.js';
import { describeFile, fileKind, type Caps, type FileKind } from '../core/watch/filekind.js';
import type { Config } from '../core/docs/schemas.js';
import type { Env } from '../env.js';
import { createExclusive, isErrno, listNames, writeAtomic } from './files.js';
import { AOS_FOLDERS } from './store.js';

export const FILES_FOLDER = 'inbox/files';
const TAIL_BYTES = 1024;

export function capsOf(config: Config): Caps {
  return { imageKb: config.inbox.max_image_kb, pdfKb: config.inbox.max_pdf_kb, textKb: config.inbox.max_item_kb };
}

/** A file's size and its first and last bytes: enough to judge it without reading a large one whole. */
export async function sniff(path: string): Promise<{ size: number; head: Uint8Array; tail: Uint8Array }> {
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(64, size));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return { size, head, tail };
  } finally {
    await fh.close();
  }
}

export async function judge(path: string, name: string, caps: Caps): Promise<{ size: number; kind: FileKind }> {
  const s = await sniff(path);
  return { size: s.size, kind: fileKind(name, s.size, s.head, s.tail, caps) };
}

/** A fence for a text quoted in markdown that no line of the text can close. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/^(`{3,}|~{3,})/gm)].map((m) => m[1]!.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

export interface FileItemSpec {
  /** Where the file is now (absolute). */
  path: string;
  name: string;
  size: number;
  kind: Exclude<FileKind, { kind: 'unsupported' }>;
  /** move: the owner's own file, dropped in inbox/ (linked, then removed); copy: a watched file, left as it is. */
  how: 'move' | 'copy';
  /** What the item asks (a watcher's task); else the file's name says it all. */
  task?: string;
  from: string;
  to?: string;
  priority?: NewItem['priority'];
  source?: string;
  /** A copy that is not committed: the item's folder gets a .gitignore of "*". */
  ignored?: boolean;
}

/**
 * Files one item for a file. The file is placed first (linked or copied into inbox/files/<id>/), then
 * the item written, then (a move) the original removed: a crash leaves at worst a duplicate or an
 * orphan copy, never a lost file.
 */
export async function fileItemFor(root: string, env: Env, spec: FileItemSpec, created: string): Promise<{ id: string; file: string; attachment: string }> {
  let id = '';
  let folder = '';
  for (let attempt = 0; ; attempt++) {
    id = itemId(env.now(), env.randomBytes(4));
    // The item's id in lower case: "inbox/files/20261207T140040-8bug/paper" read as one mixed-case
    // token can pass the secret scan's entropy test and have its commit refused.
    folder = `${FILES_FOLDER}/${id.toLowerCase()}`;
    try {
      await fs.mkdir(join(root, FILES_FOLDER), { recursive: true });
      await fs.mkdir(join(root, folder));
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
  const attachment = `${folder}/${spec.name}`;
  if (spec.how === 'move') await fs.link(spec.path, join(root, attachment));
  else await placeCopy(root, folder, spec);
  const item: NewItem = {
    id,
    text: [spec.task ?? (spec.kind.kind === 'text' ? `Look at ${spec.name}.` : `Look at the attached ${spec.name}.`), '', await aboutFile(root, spec, attachment)].join('\n'),
    created,
    from: spec.from,
    to: spec.to,
    priority: spec.priority,
    subject: spec.task ? `${spec.task.split('\n')[0]!.slice(0, 60)}: ${spec.name}` : spec.name,
    // A text file is in the item's own text: only an image or PDF is attached for the model.
    ...(spec.kind.kind === 'text' ? {} : { attachment }),
    source: spec.source,
  };
  const file = `inbox/${id}.md`;
  await createExclusive(join(root, file), renderItem(item));
  if (spec.how === 'move') await fs.rm(spec.path);
  return { id, file, attachment };
}

/** A watched file's copy in its folder under inbox/files/ (made again whole if a crash cut it short), git-ignored unless committed. */
async function placeCopy(root: string, folder: string, spec: Pick<FileItemSpec, 'path' | 'name' | 'ignored'>): Promise<void> {
  if (spec.ignored) await fs.writeFile(join(root, folder, '.gitignore'), '# watch.commit_files is false: this copy stays on this device, out of git\n*\n');
  await fs.copyFile(spec.path, join(root, folder, spec.name));
}

/** What an item (or a chain run's input) says of its file: what it is, where from, where kept; a text file's text in a fence. */
async function aboutFile(root: string, spec: Pick<FileItemSpec, 'name' | 'size' | 'kind' | 'source'>, attachment: string): Promise<string> {
  const described = describeFile(spec.name, spec.size, spec.kind);
  const where = spec.source ? `from ${spec.source}` : 'dropped in the inbox';
  if (spec.kind.kind !== 'text') return `Attached: ${described}, ${where}, kept at ${attachment}.`;
  const text = await fs.readFile(join(root, attachment), 'utf8');
  return `The file ${described}, ${where}, kept at ${attachment}. Its text:\n\n${fenced(text, spec.name.split('.').pop() ?? '')}`;
}

/**
 * A watched file for a chain run whose id is already decided: copied to inbox/files/<run>/<name>
 * (the run id in lower case, as an item's), with what the run's input says of it. Repeatable: a
 * second call after a crash copies again into the same folder. The attachment is only an image's
 * or a PDF's: a text file is in the input itself.
 */
export async function copyForRun(root: string, run: string, spec: Omit<FileItemSpec, 'how' | 'from' | 'to' | 'priority' | 'task'> & { source: string }): Promise<{ copy: string; about: string; attachment?: string }> {
  const folder = `${FILES_FOLDER}/${run.toLowerCase()}`;
  await fs.mkdir(join(root, folder), { recursive: true });
  const copy = `${folder}/${spec.name}`;
  try {
    await placeCopy(root, folder, spec);
  } catch (err) {
    // The source went away after an earlier attempt copied it: that copy is the file.
    if (!isErrno(err, 'ENOENT') || !(await fs.stat(join(root, copy)).catch(() => undefined))) throw err;
  }
  return { copy, about: await aboutFile(root, spec, copy), ...(spec.kind.kind === 'text' ? {} : { attachment: copy }) };
}

/** The files directly in inbox/ that may be work (not items, not aos's folders, not editor leftovers). */
async function droppedFiles(root: string): Promise<string[]> {
  return (await listNames(join(root, 'inbox')))
    .filter((e) => e.isFile && !e.name.endsWith('.md') && !e.name.endsWith('~') && !e.name.startsWith('.') && !(AOS_FOLDERS.inbox as readonly string[]).includes(e.name))
    .map((e) => e.name);
}

export interface Intake {
  filed: { from: string; item: string; attachment: string }[];
  /** Files the model cannot take, and why: the caller moves them to inbox/unsupported/. */
  refused: Map<string, string>;
}

/** Each file dropped in inbox/ the model can take becomes an item (the owner's); the rest are named with why. */
export async function takeDroppedFiles(root: string, env: Env, config: Config, created: string): Promise<Intake> {
  const out: Intake = { filed: [], refused: new Map() };
  const caps = capsOf(config);
  for (const name of await droppedFiles(root)) {
    const path = join(root, 'inbox', name);
    let judged;
    try {
      judged = await judge(path, name, caps);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    if (judged.kind.kind === 'unsupported') {
      out.refused.set(`inbox/${name}`, judged.kind.why);
      continue;
    }
    const made = await fileItemFor(root, env, { path, name: basename(name), size: judged.size, kind: judged.kind, how: 'move', from: 'owner' }, created);
    out.filed.push({ from: `inbox/${name}`, item: made.id, attachment: made.attachment });
  }
  return out;
}

/** Of the given inbox/<name> files, those the tick would file as items (for `aos tick --dry-run`); reads, writes nothing. */
export async function attachable(root: string, config: Config, files: readonly string[]): Promise<string[]> {
  const caps = capsOf(config);
  const dropped = new Set(await droppedFiles(root));
  const out: string[] = [];
  for (const f of files) {
    const name = f.slice('inbox/'.length);
    if (!dropped.has(name)) continue;
    const judged = await judge(join(root, f), name, caps).catch(() => undefined);
    if (judged && judged.kind.kind !== 'unsupported') out.push(f);
  }
  return out;
}

/** A home-relative attachment path from front matter (data, not trusted): only under inbox/files/, without "..". */
export function attachmentPath(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length < 4 || parts[0] !== 'inbox' || parts[1] !== 'files' || parts.some((p) => p === '' || p === '.' || p === '..') || /[\u0000-\u001f\\]/.test(value)) return undefined;
  return value;
}

/**
 * The blocks an item's attached file adds to the run's first message: an image or document block,
 * or, when the file cannot be sent now (gone, changed, over a lowered cap), a line saying so.
 */
export async function attachmentBlocks(root: string, config: Config, value: string): Promise<import('../core/runs/transcript.js').UserBlock[]> {
  const rel = attachmentPath(value);
  if (!rel) return [{ type: 'text', text: `(The item names an attachment "${value}" that is not a file under inbox/files/: nothing is attached.)` }];
  const name = rel.split('/').pop()!;
  let judged;
  try {
    judged = await judge(join(root, rel), name, capsOf(config));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [{ type: 'text', text: `(The attached file ${rel} is missing: nothing is attached.)` }];
    throw err;
  }
  const k = judged.kind;
  if (k.kind === 'unsupported') return [{ type: 'text', text: `(The attached file ${rel} was not sent: ${k.why}.)` }];
  if (k.kind === 'text') return [];
  const data = (await fs.readFile(join(root, rel))).toString('base64');
  return [k.kind === 'image' ? { type: 'image', media_type: k.media_type, data, file: rel } : { type: 'document', media_type: 'application/pdf', data, file: rel }];
}

// ---------------------------------------------------------------------------------------------
// What watchers have seen: .aos/watch.json (local to this device, like the rest of .aos/).

const WATCH_STATE = '.aos/watch.json';

export type WatchState = Record<string, import('../core/watch/plan.js').SeenFile>;

export async function readWatchState(root: string): Promise<WatchState> {
  try {
    const parsed = JSON.parse(await fs.readFile(join(root, WATCH_STATE), 'utf8')) as { files?: WatchState };
    return parsed.files && typeof parsed.files === 'object' ? parsed.files : {};
  } catch (err) {
    // Missing, or damaged by a crash mid-write (it is written atomically, so only by hand): start
    // again. The cost is a second item for files already filed, never a file missed.
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return {};
    throw err;
  }
}

export async function writeWatchState(root: string, files: WatchState): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await writeAtomic(join(root, WATCH_STATE), JSON.stringify({ version: 1, files: sorted }, null, 1) + '\n');
}

/** The regular files directly in a folder outside the home (links are not followed: a link could lead anywhere). */
export async function listWatched(folder: string): Promise<{ name: string; path: string; size: number; mtimeMs: number }[] | { error: string }> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { error: 'the folder does not exist' };
    if (isErrno(err, 'ENOTDIR')) return { error: 'it is not a folder' };
    if (isErrno(err, 'EACCES')) return { error: 'aos may not read it (permission denied)' };
    throw err;
  }
  const out = [];
  for (const name of names.sort()) {
    const path = join(folder, name);
    const st = await fs.lstat(path).catch(() => undefined);
    if (!st?.isFile()) continue;
    out.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}

export async function sha256Of(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const fh = await fs.open(path, 'r');
  try {
    for await (const chunk of fh.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await fh.close().catch(() => undefined);
  }
  return hash.digest('hex');
}
