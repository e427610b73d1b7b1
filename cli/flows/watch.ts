// Files as work (issue 20), applied by the tick: files dropped in inbox/ become the owner's items, and
// each watcher in aos.yaml's `watch:` files one item per new or changed file of its folder (copied
// into the home; the source is only read, never moved, touched or deleted). No daemon: each tick looks.
import { basename, join, relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';
import type { Problem } from '../errors.js';
import { appendLog } from '../home/log.js';
import { agentIdentity } from '../core/docs/commit.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import { expandFolder, isNew, matches, readRefusal, toHash, watchKey, type Listed, type SeenFile, type WatchEntry } from '../core/watch/plan.js';
import type { FileKind } from '../core/watch/filekind.js';
import { capsOf, copyForRun, fileItemFor, FILES_FOLDER, judge, listWatched, readWatchState, sha256Of, takeDroppedFiles, writeWatchState, type WatchState } from '../home/attachments.js';
import { loadChains, runFile, startRun, type Chain } from '../home/chains.js';
import { runId } from '../core/events/chains.js';
import { suffix } from '../core/docs/ids.js';
import { localTime, stamp } from '../core/docs/time.js';
import { commit, type CommitSpec } from '../git/git.js';
import { UserError } from '../errors.js';
import { isErrno } from '../home/files.js';

export interface Filed {
  /** Where the file came from: inbox/<name>, or its path in a watched folder. */
  source: string;
  /** The item it became. */
  item?: string;
  /** Or the chain run it started (a watcher with chain:), and that chain. */
  run?: string;
  chain?: string;
  /** Why it was not filed (kept where it is, reported once). */
  refused?: string;
}

/**
 * Files dropped in inbox/ that the model can take become items (committed with the owner's hand
 * edits: the files are the owner's). The others are returned with why, for the caller to move to
 * inbox/unsupported/. Each is noted once in the daily log.
 */
export async function takeInboxFiles(home: Home, env: Env): Promise<{ filed: Filed[]; refused: Map<string, string> }> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  const intake = await takeDroppedFiles(home.root, env, home.config, localTime(now, tz).iso);
  const filed: Filed[] = [];
  for (const f of intake.filed) {
    filed.push({ source: f.from, item: f.item });
    await appendLog(home, tz, now, { kind: 'inbox', agent: 'aos', ref: f.item, body: `${f.from} became item ${f.item}; the file is kept at ${f.attachment}.` });
  }
  for (const [from, why] of intake.refused) {
    await appendLog(home, tz, now, { kind: 'inbox', agent: 'aos', body: `${from} is not sent to the model: ${why}. It is kept in inbox/unsupported/.` });
  }
  return { filed, refused: intake.refused };
}

/** A watcher that passed its checks: its target (an agent, or a chain and its first step's agent) and its folder's listing. */
interface OpenWatcher {
  n: number;
  entry: WatchEntry & { priority: 'low' | 'normal' | 'high' | 'urgent' };
  chain?: Chain;
  agentId: string;
  folder: string;
  listed: Listed[];
}

/**
 * The watchers that may read their folders, each listed. A watcher that is refused (no read grant,
 * an agent that cannot take work, a missing chain, a folder inside the home) is a problem on aos.yaml
 * every tick until fixed; the other watchers and the tick's work go on. Reads only.
 */
async function openWatchers(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<OpenWatcher[]> {
  const byId = new Map(agents.map((a) => [a.id, a]));
  let chains: Awaited<ReturnType<typeof loadChains>> | undefined;
  const open: OpenWatcher[] = [];
  for (const [n, entry] of home.config.watch.folders.entries()) {
    const refuse = (expected: string, found: string, hint?: string) => problems.push({ file: 'aos.yaml', field: `watch.folders.${n}`, expected, found, ...(hint ? { hint } : {}) });
    let chain: Chain | undefined;
    if (entry.chain) {
      if (entry.agent) {
        refuse('an agent or a chain to hand each file to, not both', `agent: ${entry.agent} and chain: ${entry.chain}`, 'this watcher is skipped');
        continue;
      }
      chains ??= await loadChains(home.root);
      chain = chains.chains.get(entry.chain);
      if (!chain) {
        const broken = chains.problems.some((p) => p.file === `chains/${entry.chain}.yaml` || p.file === `chains/${entry.chain}.yml`);
        refuse(`a chain in chains/${entry.chain}.yaml`, broken ? `chains/${entry.chain}.yaml is not a valid chain (its problems are named with it)` : 'no such file', 'this watcher is skipped; its files wait in the folder');
        continue;
      }
    }
    // A chain's files go to its first step's agent: that agent must be able to take work and read the folder.
    const agentId = chain ? chain.def.steps[0]!.agent : entry.agent!;
    const agent = byId.get(agentId);
    if (!agent || agent.front.status !== 'active') {
      const whose = chain ? ` (the first step of chain ${chain.name})` : '';
      refuse(`an active agent${whose}`, agent ? `${agentId} is ${agent.front.status}` : `no agent ${agentId} (agents/${agentId}.md)`, 'this watcher is skipped');
      continue;
    }
    const folder = expandFolder(entry.folder, env.vars.HOME);
    if ('error' in folder) {
      refuse('a folder outside the home: ~/Downloads or an absolute path', `"${entry.folder}": ${folder.error}`);
      continue;
    }
    const inside = relative(resolve(home.root), folder.path);
    if (!inside.startsWith('..') && !inside.startsWith('/')) {
      refuse('a folder outside the home (files in the home are the inbox\'s)', `"${entry.folder}" is inside the home`);
      continue;
    }
    const { caps } = parseCapabilities(agent.front.capabilities);
    const denied = readRefusal(caps, folder.path, entry.patterns);
    if (denied) {
      refuse(
        `a read grant for ${agentId} over the watched folder`,
        `${denied}`,
        `add "file:${folder.path}/**:read" to the capabilities in ${agent.file}; this watcher is skipped until then`,
      );
      continue;
    }
    const listed = await listWatched(folder.path);
    if ('error' in listed) {
      refuse('a folder aos can read', `"${entry.folder}": ${listed.error}`, 'this watcher is skipped');
      continue;
    }
    open.push({ n, entry, chain, agentId, folder: folder.path, listed: listed.filter((f) => matches(f.name, entry.patterns)) });
  }
  return open;
}

/** A watcher's file that may have changed, hashed: `fresh` when it is new or its bytes changed since last seen. */
interface Hashed {
  f: Listed;
  key: string;
  seen?: SeenFile;
  sha256: string;
  fresh: boolean;
}

/**
 * The files of a watcher whose size or mtime changed since last seen, hashed (reads only). Gone
 * since the listing: skipped. Unreadable: a problem, tried again next tick; the other files go on.
 */
async function hashChanged(w: OpenWatcher, state: WatchState, problems: Problem[]): Promise<Hashed[]> {
  const out: Hashed[] = [];
  for (const f of toHash(w.listed, (p) => state[watchKey(w.entry, p)])) {
    const key = watchKey(w.entry, f.path);
    try {
      const sha256 = await sha256Of(f.path);
      out.push({ f, key, seen: state[key], sha256, fresh: isNew(sha256, state[key]) });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      if (!isErrno(err, 'EACCES') && !isErrno(err, 'EPERM') && !isErrno(err, 'EISDIR')) throw err;
      problems.push({ file: f.path, expected: 'a watched file aos can read', found: (err as Error).message, hint: `watch.folders.${w.n} in aos.yaml; it is tried again each tick` });
    }
  }
  return out;
}

/** Why a new watched file is not filed (over the cap, a type the model cannot take), or what it is. */
async function judgeWatched(home: Home, f: Listed): Promise<{ refused: string } | { judged: { size: number; kind: Exclude<FileKind, { kind: 'unsupported' }> } }> {
  const cap = home.config.watch.max_file_kb;
  if (f.size > cap * 1024) return { refused: `${Math.ceil(f.size / 1024)} KB, over the cap of ${cap} KB (watch.max_file_kb)` };
  const judged = await judge(f.path, f.name, capsOf(home.config));
  return judged.kind.kind === 'unsupported' ? { refused: judged.kind.why } : { judged: { size: judged.size, kind: judged.kind } };
}

/**
 * Each watcher's new or changed files, filed as items for its agent (or starting its chain), one
 * commit each; refused watchers are problems (openWatchers).
 */
export async function fileWatchedItems(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<Filed[]> {
  const cfg = home.config.watch;
  const tz = home.config.owner.timezone;
  const state = await readWatchState(home.root);
  const before = JSON.stringify(state);
  const out: Filed[] = [];
  for (const w of await openWatchers(home, env, agents, problems)) {
    const { entry, chain, agentId } = w;
    // A chain run a killed tick decided on is finished first (the same run, never a second one).
    if (chain) for (const key of Object.keys(state)) if (state[key]!.pending && key.startsWith(watchKey(entry, ''))) await finishChainRun(home, env, problems, entry, chain, state, key, out);
    for (const { f, key, seen, sha256, fresh } of await hashChanged(w, state, problems)) {
      if (!fresh) {
        state[key] = { ...seen!, size: f.size, mtimeMs: f.mtimeMs };
        continue;
      }
      const now = env.now();
      const source = shownPath(f.path, env.vars.HOME);
      const verdict = await judgeWatched(home, f);
      if ('refused' in verdict) {
        const { refused } = verdict;
        state[key] = { size: f.size, mtimeMs: f.mtimeMs, sha256, refused };
        out.push({ source, refused });
        const log = await appendLog(home, tz, now, { kind: 'watch', agent: agentId, body: `${source} was not filed: ${refused}. It stays where it is.` });
        await commitOrHold(home, env, problems, log, { who: agentIdentity(agentId), subject: `${agentId}: watched file ${f.name} not filed`, trailers: { 'Aos-Kind': 'watch', 'Aos-Agent': agentId, 'Aos-Device': home.device }, paths: [log] });
        continue;
      }
      const { judged } = verdict;
      if (chain) {
        // The run's id is written down before anything else: whatever a crash interrupts, the next
        // tick finishes this run (finishChainRun), so the file starts exactly one run.
        const run = runId(stamp(now), chain.name, suffix(env.randomBytes(4)));
        state[key] = { size: f.size, mtimeMs: f.mtimeMs, sha256, run, pending: true };
        await writeWatchState(home.root, state);
        await finishChainRun(home, env, problems, entry, chain, state, key, out, seen ? 'changed' : 'appeared');
        continue;
      }
      let made;
      try {
        made = await fileItemFor(
          home.root,
          env,
          { path: f.path, name: f.name, size: f.size, kind: judged.kind, how: 'copy', task: entry.task, from: 'watch', to: agentId, priority: entry.priority, source, ignored: !cfg.commit_files },
          localTime(now, tz).iso,
        );
      } catch (err) {
        // Deleted between reading and copying: not filed, and not remembered (if it comes back, it is new).
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      state[key] = { size: f.size, mtimeMs: f.mtimeMs, sha256, item: made.id };
      out.push({ source, item: made.id });
      const log = await appendLog(home, tz, now, { kind: 'watch', agent: agentId, ref: made.id, body: `${source} ${seen ? 'changed' : 'appeared'}: filed as ${made.id} for ${agentId} (copy at ${made.attachment}${cfg.commit_files ? '' : ', not committed'}).` });
      await commitOrHold(home, env, problems, made.file, {
        who: agentIdentity(agentId),
        subject: `${agentId}: watched file ${f.name}`,
        trailers: { 'Aos-Kind': 'watch', 'Aos-Agent': agentId, 'Aos-Item': made.id, 'Aos-Device': home.device },
        paths: [made.file, ...(cfg.commit_files ? [made.attachment] : []), log],
      });
      // Remembered after the commit: a crash before it files the file again (a duplicate), never misses it.
      await writeWatchState(home.root, state);
    }
  }
  if (JSON.stringify(state) !== before) await writeWatchState(home.root, state);
  return out;
}

/** What the tick would do with a watched file (`aos tick --dry-run`). */
export type ForeseenFile =
  | { source: string; would: 'file'; agent: string }
  | { source: string; would: 'start'; chain: string; agent: string }
  | { source: string; would: 'finish'; chain: string; run: string }
  | { source: string; would: 'refuse'; why: string };

/**
 * The watchers' new or changed files and what the tick would do with each, read only (nothing is
 * copied, filed or remembered): file an item, start a chain run, finish one a killed tick decided
 * on, or report the file once. Refused watchers are problems, as in the tick.
 */
export async function foreseeWatched(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<ForeseenFile[]> {
  const state = await readWatchState(home.root);
  const out: ForeseenFile[] = [];
  for (const w of await openWatchers(home, env, agents, problems)) {
    const prefix = watchKey(w.entry, '');
    if (w.chain) for (const [key, seen] of Object.entries(state)) if (seen.pending && key.startsWith(prefix)) out.push({ source: shownPath(key.slice(prefix.length), env.vars.HOME), would: 'finish', chain: w.chain.name, run: seen.run! });
    for (const h of await hashChanged(w, state, problems)) {
      if (!h.fresh) continue;
      const source = shownPath(h.f.path, env.vars.HOME);
      const v = await judgeWatched(home, h.f);
      out.push('refused' in v ? { source, would: 'refuse', why: v.refused } : w.chain ? { source, would: 'start', chain: w.chain.name, agent: w.agentId } : { source, would: 'file', agent: w.agentId });
    }
  }
  return out;
}

/** A watched file's path as the owner writes it: ~/Downloads/paper.pdf. */
function shownPath(path: string, userHome: string | undefined): string {
  return userHome && path.startsWith(userHome) ? `~${path.slice(userHome.replace(/\/+$/, '').length)}` : path;
}

/**
 * A chain watcher's file, once its run's id is written in the watch state (pending): the copy in
 * inbox/files/<run>/, the run file (its input names the file, its step 1 carries it), the log line
 * and the commit, then the state marked done. Each part is repeatable, so the tick after a crash
 * calls this again for the same run: a copy is made again, a run file already there is kept (and
 * committed if it is not), and no second run is ever started for the file.
 */
async function finishChainRun(home: Home, env: Env, problems: Problem[], entry: WatchEntry, chain: Chain, state: WatchState, key: string, out: Filed[], how = 'appeared (finished after an interrupted tick)'): Promise<void> {
  const cfg = home.config.watch;
  const seen = state[key]!;
  const run = seen.run!;
  const path = key.slice(watchKey(entry, '').length);
  const name = basename(path);
  const source = shownPath(path, env.vars.HOME);
  const copy = `${FILES_FOLDER}/${run.toLowerCase()}/${name}`;
  // What will be copied: the source, or the copy an earlier attempt made when the source is gone since.
  const caps = capsOf(home.config);
  const judged = await judge(path, name, caps).catch((err) => (isErrno(err, 'ENOENT') ? judge(join(home.root, copy), name, caps) : Promise.reject(err))).catch((err) => {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  });
  if (!judged || judged.kind.kind === 'unsupported') {
    // Gone before it was copied (or no longer a file the model takes): no run, and forgotten, so it is new if it comes back.
    delete state[key];
    await writeWatchState(home.root, state);
    return;
  }
  const placed = await copyForRun(home.root, run, { path, name, size: judged.size, kind: judged.kind, source, ignored: !cfg.commit_files });
  const started = await startRun(home, env, chain, `watch:${source}`, `${entry.task}: ${name}\n\n${placed.about}`, { run }, { ...(placed.attachment ? { attachment: placed.attachment } : {}), source });
  const file = runFile(run);
  const agent = chain.def.steps[0]!.agent;
  const paths = [file, ...(cfg.commit_files ? [placed.copy] : [])];
  if (started) {
    const body = `${source} ${how}: started chain ${chain.name} run ${run} (copy at ${placed.copy}${cfg.commit_files ? '' : ', not committed'}).`;
    paths.push(await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'watch', agent, ref: run, body }));
  }
  await commitOrHold(home, env, problems, file, {
    who: agentIdentity(agent),
    subject: `${agent}: watched file ${name} starts chain ${chain.name}`,
    trailers: { 'Aos-Kind': 'watch', 'Aos-Agent': agent, 'Aos-Chain': chain.name, 'Aos-Chain-Run': run, 'Aos-Device': home.device },
    paths,
  });
  const { pending: _pending, ...done } = seen;
  state[key] = done;
  out.push({ source, run, chain: chain.name });
  // Marked done after the commit: a crash before this finishes the same run again, never a second one.
  await writeWatchState(home.root, state);
}

/**
 * A watched file's commit; one git refuses (a secret-looking line in a copied text) leaves the files
 * on disk for the owner, reported, and the tick goes on: the owner's next edit commit holds them the same way.
 */
async function commitOrHold(home: Home, env: Env, problems: Problem[], file: string, spec: CommitSpec): Promise<void> {
  try {
    await commit(home.root, env.vars, spec, home.redact);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.push({ file, expected: 'a watched file aos can commit', found: err.message, hint: 'the item stays in the inbox uncommitted until this is fixed' });
  }
}
