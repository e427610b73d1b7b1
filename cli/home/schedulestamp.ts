// The schedule plan's quiet record (issue 24): what the last tick that planned nothing saw, and when
// its next slot comes. Local to this device (in .aos/cache/), only ever a shortcut: missing, damaged
// or stale, the tick plans in full.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduleQuiet } from '../core/runs/schedulekeys.js';
import { listNames, readIfExists, removeFile, writeAtomic } from './files.js';
import { factOf, knownBefore } from './idlestamp.js';

const FILE = '.aos/cache/schedule.json';

export async function readScheduleQuiet(root: string): Promise<ScheduleQuiet | undefined> {
  const raw = await readIfExists(join(root, FILE));
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<ScheduleQuiet>;
    if (typeof v.inputs !== 'string' || typeof v.next_due !== 'number') return undefined;
    const l = v.listing;
    const listing = l && isStrings(l.folders) && isStampMap(l.last) ? { listing: { folders: l.folders, last: l.last } } : {};
    return { inputs: v.inputs, next_due: v.next_due, ...listing };
  } catch (err) {
    // A torn or corrupt record is only a lost shortcut.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export async function writeScheduleQuiet(root: string, quiet: ScheduleQuiet | undefined): Promise<void> {
  if (!quiet) return removeFile(join(root, FILE));
  mkdirSync(join(root, '.aos/cache'), { recursive: true });
  // Only a shortcut: a damaged record is a lost one (readScheduleQuiet), so no fsync.
  await writeAtomic(join(root, FILE), JSON.stringify(quiet), { durable: false });
}

function isStrings(v: unknown): v is Record<string, string> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isStampMap(v: unknown): v is Record<string, string | null> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === 'string');
}

/** The folders whose names say when each schedule entry last fired: inbox/ and its dated done tree. */
const INBOX = 'inbox';
const DONE = 'inbox/done';

/**
 * True when every recorded folder fact still holds: no name was added to, removed from or renamed
 * in inbox/ or any done folder since the record (a new year or month folder changes its parent's).
 */
export function listingHolds(root: string, folders: Readonly<Record<string, string>>): boolean {
  // inbox/ and inbox/done/ are always among them; a record without them proves nothing.
  if (!(INBOX in folders) || !(DONE in folders)) return false;
  for (const [rel, fact] of Object.entries(folders)) if ((factOf(join(root, rel))?.fact ?? 'none') !== fact) return false;
  return true;
}

/**
 * The facts of inbox/, inbox/done/ and every year and month folder under it (as store.ts's
 * doneFolders finds them), or undefined when one is as new as the tick's start less a second
 * (home/idlestamp.ts's rule: a later change in the same second could leave its facts as they are)
 * or no tick holds the lock. Taken after the names were listed: a change between the listing and
 * now is newer than the tick's start, so it makes the facts unknown rather than wrong.
 */
export async function listingFacts(root: string): Promise<Record<string, string> | undefined> {
  const limit = knownBefore(root);
  if (limit === undefined) return undefined;
  const folders: Record<string, string> = {};
  const note = (rel: string): boolean => {
    const f = factOf(join(root, rel));
    folders[rel] = f?.fact ?? 'none';
    return !f || f.newest < limit;
  };
  if (!note(INBOX) || !note(DONE)) return undefined;
  for (const y of (await listNames(join(root, DONE))).filter((e) => e.isDir && /^\d{4}$/.test(e.name))) {
    if (!note(`${DONE}/${y.name}`)) return undefined;
    for (const m of (await listNames(join(root, DONE, y.name))).filter((e) => e.isDir && /^\d{2}$/.test(e.name))) if (!note(`${DONE}/${y.name}/${m.name}`)) return undefined;
  }
  return folders;
}
