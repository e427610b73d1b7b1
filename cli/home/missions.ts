// Missions on disk: missions/<id>/mission.md and its contract files (committed with the home), the
// stage items an agent run works on (missions/<id>/items/, outside inbox/ so the tick's serve never
// takes them as ordinary work), and the mission's worktree place under .aos/ (never committed).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type * as s from '../core/docs/schemas.js';
import { subjectOf } from '../core/docs/subject.js';
import { missionFile, parseMission, renderMission, MISSION_ID, type Mission } from '../core/missions/mission.js';
import { ValidationError, type Problem } from '../errors.js';
import { loadFolder } from './documents.js';
import { DocCache } from './doccache.js';
import { isErrno, readIfExists, writeAtomic } from './files.js';
import type { InboxItem } from './store.js';

export const MISSIONS = 'missions';

/** Where a mission's worktree lives: inside the home's .aos/ (git-ignored, local to this device). */
export const worktreePlace = (root: string, id: string) => join(root, '.aos/missions', id, 'worktree');
/** An arena candidate's worktree (issue 18): beside the mission's own place, pruned with its branch. */
export const candidatePlace = (root: string, id: string, n: number) => join(root, '.aos/missions', id, `c${n}`);
/** Scratch places of the replay stage, removed after it. */
export const replayPlace = (root: string, id: string) => join(root, '.aos/missions', id, 'replay');

/** The mission ids present (folders named like one), sorted oldest first. */
export async function missionIds(root: string): Promise<string[]> {
  try {
    const names = await fs.readdir(join(root, MISSIONS));
    return names.filter((n) => MISSION_ID.test(n)).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

export async function readMission(root: string, id: string): Promise<Mission> {
  const file = missionFile(id);
  const raw = await readIfExists(join(root, file));
  if (raw === undefined) throw new ValidationError([{ file, expected: 'the mission file', found: 'no such file', hint: 'aos mission list shows the missions' }]);
  return parseMission(file, raw);
}

/** Every mission, each valid one read and each broken one named (one bad file must not hide the others). */
export async function loadMissions(root: string): Promise<{ missions: Mission[]; problems: Problem[] }> {
  const missions: Mission[] = [];
  const problems: Problem[] = [];
  for (const id of await missionIds(root)) {
    try {
      missions.push(await readMission(root, id));
    } catch (err) {
      if (err instanceof ValidationError) problems.push(...err.problems);
      else throw err;
    }
  }
  return { missions, problems };
}

export async function writeMission(root: string, m: Mission): Promise<void> {
  await fs.mkdir(join(root, MISSIONS, m.front.id), { recursive: true });
  await writeAtomic(join(root, m.file), renderMission(m));
}

export async function writeContract(root: string, id: string, name: string, text: string): Promise<string> {
  const file = `${MISSIONS}/${id}/${name}`;
  await fs.mkdir(join(root, MISSIONS, id), { recursive: true });
  await writeAtomic(join(root, file), text.endsWith('\n') ? text : `${text}\n`);
  return file;
}

export async function readContract(root: string, id: string, name: string): Promise<string> {
  return (await readIfExists(join(root, MISSIONS, id, name))) ?? '';
}

/** The stage item at `file` (relative to the home), as the run reads it; undefined when it is gone (finished). */
export async function readStageItem(root: string, file: string): Promise<InboxItem | undefined> {
  const folder = file.slice(0, file.lastIndexOf('/'));
  const r = await loadFolder<s.InboxFront>(root, folder, 'inbox', DocCache.none());
  const bad = r.problems.find((p) => p.file === file);
  if (bad) throw new ValidationError([bad]);
  const doc = r.docs.find((d) => d.file === file);
  return doc ? { ...doc, id: doc.front.id ?? doc.name, subject: subjectOf(doc.front, doc.body) } : undefined;
}
