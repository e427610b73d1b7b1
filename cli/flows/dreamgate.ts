// The dream as a gated branch (issue 22). Every dream is committed to dream/<date> first, without
// checking the branch out (git/dreambranch.ts); it reaches the main branch only when its gates pass
// (core/memory/dreamgates.ts). Otherwise it waits for the owner: aos dream show|merge|drop <date>.
// aos dream revert <date> undoes a merged night with a new commit that restores the files it touched.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { formatEntry, logHeader, logPath, parseLog } from '../core/docs/logfmt.js';
import { addDays, localTime } from '../core/docs/time.js';
import { agentIdentity, ownerIdentity } from '../core/docs/commit.js';
import { dreamGates, dreamsToPrune, KEEP_MERGED_DREAM_DAYS, type DreamListed } from '../core/memory/dreamgates.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { readIfExists, writeAtomic } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commit } from '../git/git.js';
import { gitRead } from '../git/run.js';
import { changedFiles, commitToBranch, dreamCommit, dropDreamBranch, freeDreamName, textAt, DREAM_REF } from '../git/dreambranch.js';
import { UserError } from '../errors.js';
import { DREAMER, dreamCommitSpec, dreamLogEntry, type DreamPlan } from './dream.js';
import { commitMessage } from '../core/docs/commit.js';

const INDEX = 'memory/MEMORY.md';

export interface GatedDream {
  branch: string;
  commit: string;
  gates: string[];
  /** The commit on the main branch, when the gates passed. */
  merged?: string;
  /** Merged nights' branches this dream removed (older than KEEP_MERGED_DREAM_DAYS). */
  pruned?: string[];
}

/** The text of each cited log entry (`file#Lnn` → its body), undefined when no entry heads that line. */
async function citedEntries(root: string, sources: Iterable<string>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  const files = new Map<string, ReturnType<typeof parseLog>>();
  for (const s of sources) {
    const m = /^(logs\/\d{4}\/\d{2}\/(\d{4}-\d{2}-\d{2})\.md)#L(\d+)$/.exec(s);
    if (!m) {
      out.set(s, undefined);
      continue;
    }
    if (!files.has(m[1]!)) files.set(m[1]!, parseLog(m[1]!, m[2]!, (await readIfExists(join(root, m[1]!))) ?? ''));
    out.set(s, files.get(m[1]!)!.find((e) => e.line === Number(m[3]))?.body);
  }
  return out;
}

/** Commits the dream to its branch, checks the gates, and merges it into the main branch when they pass. */
export async function gatedDream(home: Home, env: Env, plan: DreamPlan): Promise<GatedDream> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  const { date, time } = localTime(now, tz);
  const writes = plan.refusedAll ? (plan.attempted ?? new Map<string, string>()) : plan.writes;
  const cited = await citedEntries(home.root, plan.applied.flatMap((op) => op.sources));
  const gates = dreamGates({ indexBefore: plan.indexBefore ?? '', indexAfter: writes.get(INDEX) ?? plan.indexBefore ?? '', ops: plan.applied, cited, writes, ...(plan.refusedAll ? { refusedAll: plan.refusedAll } : {}) });
  const name = await freeDreamName(home.root, env.vars, date);
  const entry = dreamLogEntry(plan);
  const gateNote = gates.length ? `\nHeld on branch dream/${name} for the owner (aos dream show ${name}): ${gates.join('; ')}.` : '';
  const logFile = logPath(date);
  const logText = ((await readIfExists(join(home.root, logFile))) ?? logHeader(date)) + home.redact(formatEntry({ time, ...entry, body: entry.body + gateNote }));
  const files = new Map<string, string | null>([...writes, [logFile, logText]]);
  const parent = (await gitRead(home.root, env.vars, ['rev-parse', 'HEAD'])).trim();
  const trailers = { 'Aos-Dream': name, 'Aos-Gates': gates.length ? `failed: ${gates.join('; ')}` : 'passed' };
  const spec = dreamCommitSpec(home, plan, [...files.keys()], trailers);
  const sha = await commitToBranch(home.root, env.vars, { name, parent, files, who: agentIdentity(DREAMER), message: home.redact(commitMessage(spec.subject, spec.trailers, spec.body)) });
  const merged = gates.length ? undefined : await applyOnMain(home, env, sha, name, agentIdentity(DREAMER), spec.subject, spec.trailers);
  const pruned = await pruneMergedDreams(home, env, date);
  return { branch: `dream/${name}`, commit: sha, gates, ...(merged ? { merged } : {}), ...(pruned.length ? { pruned } : {}) };
}

/** Every dream branch by name, each with its state on the main branch (one git log for all of them). */
export async function listDreams(home: Home, env: Env): Promise<DreamListed[]> {
  const refs = await gitRead(home.root, env.vars, ['for-each-ref', '--sort=refname', '--format=%(refname)%1f%(objectname)%1f%(contents)%1e', DREAM_REF]);
  if (!refs.trim()) return [];
  // Newest first: a night merged, reverted and merged again by the owner takes its latest state.
  const history = await gitRead(home.root, env.vars, ['log', '--format=%H%x1f%B%x1e', '--grep=^Aos-Dream: ', '--grep=^Aos-Reverts: ', 'HEAD']);
  const state = new Map<string, { merged: string; reverted: boolean }>();
  for (const rec of history.split('\x1e')) {
    const [sha, body = ''] = rec.trim().split('\x1f');
    const reverts = /^Aos-Reverts: (.+)$/m.exec(body)?.[1];
    const dream = /^Aos-Dream: (.+)$/m.exec(body)?.[1];
    if (reverts && !state.has(reverts)) state.set(reverts, { merged: '', reverted: true });
    else if (sha && dream) {
      const seen = state.get(dream);
      if (!seen) state.set(dream, { merged: sha, reverted: false });
      else if (!seen.merged) seen.merged = sha;
    }
  }
  return refs
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter(Boolean)
    .map((r) => {
      const [ref = '', commit = '', message = ''] = r.split('\x1f');
      const name = ref.slice(DREAM_REF.length);
      const s = state.get(name);
      return { name, commit, state: !s?.merged ? 'held' : s.reverted ? 'reverted' : 'merged', merged: s?.merged || null, gates: /^Aos-Gates: (.*)$/m.exec(message)?.[1] ?? 'unknown' };
    });
}

/** Removes merged nights' branches older than KEEP_MERGED_DREAM_DAYS; returns their names. */
async function pruneMergedDreams(home: Home, env: Env, today: string): Promise<string[]> {
  const gone = dreamsToPrune(await listDreams(home, env), addDays(today, -KEEP_MERGED_DREAM_DAYS));
  for (const d of gone) await dropDreamBranch(home.root, env.vars, d.name, d.commit);
  return gone.map((d) => d.name);
}

/**
 * Writes the dream commit's files into the home and commits them on the main branch. The files
 * are written before the commit: a kill in between leaves the dream's text in the work tree (the
 * next aos commits it as the owner's edit), never a main branch whose files disagree with it.
 * A file main changed since the dream's parent is a conflict: refused, naming it, nothing written.
 */
async function applyOnMain(home: Home, env: Env, sha: string, name: string, who: ReturnType<typeof agentIdentity>, subject: string, trailers: Record<string, string | undefined>): Promise<string | undefined> {
  const changed = await changedFiles(home.root, env.vars, sha);
  const plans: { path: string; text: string | undefined }[] = [];
  for (const { path } of changed) {
    const before = await textAt(home.root, env.vars, `${sha}^`, path);
    const after = await textAt(home.root, env.vars, sha, path);
    const current = await readIfExists(join(home.root, path));
    if (current === before || current === after) {
      plans.push({ path, text: after });
      continue;
    }
    // The log only grows: the dream's entry is appended to what the day's log holds now.
    if (path.startsWith('logs/') && before !== undefined && after?.startsWith(before) && current !== undefined) {
      plans.push({ path, text: current + after.slice(before.length) });
      continue;
    }
    throw new UserError(`${path} changed on the main branch since dream/${name} was made: merge it by hand (docs/recovery.md#dream-branches) or drop it with aos dream drop ${name}`);
  }
  for (const p of plans) {
    if (p.text === undefined) await fs.rm(join(home.root, p.path), { force: true });
    else await writeAtomic(join(home.root, p.path), p.text);
  }
  return commit(home.root, env.vars, { who, subject, trailers: { ...trailers, 'Aos-Gates': trailers['Aos-Gates'] ?? 'passed' }, paths: plans.map((p) => p.path) }, home.redact);
}

export interface DreamShow {
  branch: string;
  commit: string;
  parent: string;
  merged: string | null;
  gates: string;
  subject: string;
  files: { status: string; path: string }[];
}

/** The main-branch commit that merged dream <name>, if any. */
async function mergedAs(home: Home, env: Env, name: string): Promise<string | undefined> {
  const out = (await gitRead(home.root, env.vars, ['log', '-n1', '--format=%H', `--grep=^Aos-Dream: ${name.replace(/[^0-9A-Za-z-]/g, '.')}$`, 'HEAD'])).trim();
  return out || undefined;
}

async function resolve(home: Home, env: Env, name: string): Promise<string> {
  const sha = await dreamCommit(home.root, env.vars, name);
  if (!sha) {
    const have = (await gitRead(home.root, env.vars, ['for-each-ref', '--format=%(refname)', DREAM_REF])).split('\n').filter(Boolean).map((r) => r.slice(DREAM_REF.length));
    throw new UserError(`no dream branch dream/${name}${have.length ? ` (there are: ${have.join(', ')})` : ' (no dream branches yet)'}`);
  }
  return sha;
}

export async function showDream(home: Home, env: Env, name: string): Promise<DreamShow & { diff: string }> {
  const sha = await resolve(home, env, name);
  const [parent, body] = (await gitRead(home.root, env.vars, ['log', '-n1', '--format=%P%x1f%B', sha])).split('\x1f');
  const gates = /^Aos-Gates: (.*)$/m.exec(body ?? '')?.[1] ?? 'unknown';
  return {
    branch: `dream/${name}`,
    commit: sha,
    parent: parent!.split(' ')[0]!,
    merged: (await mergedAs(home, env, name)) ?? null,
    gates,
    subject: (body ?? '').split('\n')[0]!,
    files: await changedFiles(home.root, env.vars, sha),
    diff: await gitRead(home.root, env.vars, ['diff', `${sha}^`, sha, '--', 'memory']),
  };
}

export async function mergeDream(home: Home, env: Env, name: string): Promise<string | undefined> {
  const sha = await resolve(home, env, name);
  const already = await mergedAs(home, env, name);
  if (already) throw new UserError(`dream/${name} is already merged (commit ${already.slice(0, 10)}); aos dream revert ${name} undoes it`);
  const subject = `${home.owner.name}: merged dream/${name}`;
  return applyOnMain(home, env, sha, name, ownerIdentity(home.owner), subject, { 'Aos-Kind': 'dream', 'Aos-Dream': name, 'Aos-Gates': 'merged by the owner', 'Aos-Device': home.device });
}

export async function dropDream(home: Home, env: Env, name: string): Promise<string> {
  const sha = await resolve(home, env, name);
  await dropDreamBranch(home.root, env.vars, name, sha);
  return sha;
}

/**
 * Undoes a merged night: a new commit that puts each memory file the night touched back as it was
 * before that night. A file changed again since (by a later night or by hand) keeps those changes:
 * MEMORY.md line by line (the night's added lines out, its removed lines back), any other such file
 * is left as it is and named. The log is a record and is not rewritten; the revert is logged.
 */
export async function revertDream(home: Home, env: Env, name: string): Promise<{ commit?: string; restored: string[]; kept: string[] }> {
  const merged = await mergedAs(home, env, name);
  if (!merged) {
    const onBranch = await dreamCommit(home.root, env.vars, name);
    throw new UserError(onBranch ? `dream/${name} was never merged into the main branch: nothing to revert (aos dream drop ${name} removes the branch)` : `no merged dream "${name}" on the main branch (git log --grep "Aos-Dream:" lists them)`);
  }
  const restored: string[] = [];
  const kept: string[] = [];
  const paths: string[] = [];
  for (const { path } of await changedFiles(home.root, env.vars, merged)) {
    if (!path.startsWith('memory/')) continue;
    const before = await textAt(home.root, env.vars, `${merged}^`, path);
    const after = await textAt(home.root, env.vars, merged, path);
    const current = await readIfExists(join(home.root, path));
    let next: string | undefined;
    if (current === after) next = before;
    else if (path === INDEX && current !== undefined) next = revertLines(before ?? '', after ?? '', current);
    else {
      kept.push(path);
      continue;
    }
    if (next === undefined) await fs.rm(join(home.root, path), { force: true });
    else await writeAtomic(join(home.root, path), next);
    restored.push(path);
    paths.push(path);
  }
  const log = await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'dream-revert', agent: DREAMER, body: `Reverted dream/${name} (${merged.slice(0, 10)}): restored ${restored.join(', ') || 'nothing'}${kept.length ? `; kept as changed since: ${kept.join(', ')}` : ''}.` });
  const sha = await commit(home.root, env.vars, { who: ownerIdentity(home.owner), subject: `${home.owner.name}: reverted dream/${name}`, trailers: { 'Aos-Kind': 'dream-revert', 'Aos-Reverts': name, 'Aos-Device': home.device }, paths: [...paths, log] }, home.redact);
  return { ...(sha ? { commit: sha } : {}), restored, kept };
}

/** A line-level revert of one night's change to a file others changed since. */
function revertLines(before: string, after: string, current: string): string {
  const b = before.split('\n');
  const a = after.split('\n');
  const added = new Set(a.filter((l) => l && !b.includes(l)));
  const removed = b.filter((l) => l && !a.includes(l));
  const lines = current.split('\n').filter((l) => !added.has(l));
  const trailing = lines.length && lines[lines.length - 1] === '' ? lines.pop() : undefined;
  for (const l of removed) if (!lines.includes(l)) lines.push(l);
  return [...lines, ...(trailing !== undefined ? [trailing] : [])].join('\n');
}
