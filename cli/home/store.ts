// The home's collections, loaded and validated. Each returns its valid documents and its problems.
import { join } from 'node:path';
import { lstatSync, readdirSync } from 'node:fs';
import type * as s from '../core/docs/schemas.js';
import { subjectOf } from '../core/docs/subject.js';
import { AGENT_ID } from '../core/docs/ids.js';
import type { Problem } from '../errors.js';
import { loadFolder, type Loaded, type LoadResult } from './documents.js';
import type { DocCache } from './doccache.js';
import { isErrno, monthFolders } from './files.js';

export type Agent = Loaded<s.AgentFront> & { id: string };
export type InboxItem = Loaded<s.InboxFront> & { id: string; subject: string };

export async function loadAgents(root: string, cache: DocCache): Promise<LoadResult<s.AgentFront> & { agents: Agent[] }> {
  const r = await loadFolder<s.AgentFront>(root, 'agents', 'agent', cache);
  const misnamed: Problem[] = r.docs
    .filter((d) => !AGENT_ID.test(d.name))
    .map((d) => ({ file: d.file, expected: 'a file name that is an agent id (lowercase letters, digits, dashes)', found: `"${d.name}"` }));
  const docs = r.docs.filter((d) => AGENT_ID.test(d.name));
  return { docs, problems: [...r.problems, ...misnamed], agents: docs.map((d) => ({ ...d, id: d.name })) };
}

function asItems(r: LoadResult<s.InboxFront>): InboxItem[] {
  return r.docs.map((d) => ({ ...d, id: d.front.id ?? d.name, subject: subjectOf(d.front, d.body) }));
}

/** Where the tick moves files the inbox cannot take (a pdf, an editor's x.md~): kept, never deleted. */
export const UNSUPPORTED_FOLDER = 'inbox/unsupported';

/**
 * The folders aos itself makes inside a collection's folder: each is its own collection (or a
 * keep-safe place), never "a folder where only .md files belong" (doctor and status never flag them).
 */
export const AOS_FOLDERS = {
  inbox: ['approvals', 'done', 'claims', 'unsupported', 'files'],
  approvals: ['done'],
} as const;

/** Pending items: inbox/*.md. A file with no front matter at all is a task from the owner. */
export async function loadInbox(root: string, cache: DocCache): Promise<LoadResult<s.InboxFront> & { items: InboxItem[] }> {
  const r = await loadFolder<s.InboxFront>(root, 'inbox', 'inbox', cache, AOS_FOLDERS.inbox);
  return { ...r, items: asItems(r) };
}

export function loadApprovals(root: string, cache: DocCache) {
  return loadFolder<s.ApprovalFront>(root, 'inbox/approvals', 'approval', cache, AOS_FOLDERS.approvals);
}

export function loadGoals(root: string, cache: DocCache) {
  return loadFolder<s.GoalFront>(root, 'goals', 'goal', cache);
}

/** Topic files; MEMORY.md is the index, not a topic; reviews/ holds the weekly reviews (aos review) and agents/ the private memories. */
export function loadMemories(root: string, cache: DocCache) {
  return loadFolder<s.MemoryFront>(root, 'memory', 'memory', cache, ['MEMORY.md', 'reviews', 'agents']);
}

/** The month folders of inbox/done, newest first: inbox/done/2026/11. */
export function doneFolders(root: string): Promise<string[]> {
  return monthFolders(root, 'inbox/done');
}

export async function countDone(root: string): Promise<number> {
  let n = 0;
  for (const folder of await doneFolders(root)) {
    n += (readdirSync(join(root, folder))).filter((f) => f.endsWith('.md')).length;
  }
  return n;
}

export async function loadDone(root: string, cache: DocCache): Promise<LoadResult<s.InboxFront> & { items: InboxItem[] }> {
  const all: LoadResult<s.InboxFront> = { docs: [], problems: [] };
  for (const folder of await doneFolders(root)) {
    const r = await loadFolder<s.InboxFront>(root, folder, 'inbox', cache);
    all.docs.push(...r.docs);
    all.problems.push(...r.problems);
  }
  return { ...all, items: asItems(all) };
}

/** A finished item's file, searched in the done folders, newest month first. */
export async function findDone(root: string, id: string, folders?: string[]): Promise<string | undefined> {
  for (const folder of folders ?? (await doneFolders(root))) {
    const file = `${folder}/${id}.md`;
    try {
      lstatSync(join(root, file));
      return file;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return undefined;
}
