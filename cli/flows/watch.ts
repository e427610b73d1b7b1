// Files as work (issue 20), applied by the tick: files dropped in inbox/ become the owner's items, and
// each watcher in aos.yaml's `watch:` files one item per new or changed file of its folder (copied
// into the home; the source is only read, never moved, touched or deleted). No daemon: each tick looks.
import { relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';
import type { Problem } from '../errors.js';
import { appendLog } from '../home/log.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import { expandFolder, isNew, matches, readRefusal, toHash, watchKey } from '../core/watch/plan.js';
import { capsOf, fileItemFor, judge, listWatched, readWatchState, sha256Of, takeDroppedFiles, writeWatchState } from '../home/attachments.js';
import { commit, type CommitSpec } from '../git/git.js';
import { UserError } from '../errors.js';
import { isErrno } from '../home/files.js';

export interface Filed {
  /** Where the file came from: inbox/<name>, or its path in a watched folder. */
  source: string;
  /** The item it became. */
  item?: string;
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

/**
 * Each watcher's new or changed files, filed as items for its agent, one commit each. A watcher
 * that is refused (no read grant, an agent that cannot take work, a folder inside the home) is a
 * problem on aos.yaml every tick until fixed; the other watchers and the tick's work go on.
 */
export async function fileWatchedItems(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<Filed[]> {
  const cfg = home.config.watch;
  const tz = home.config.owner.timezone;
  const state = await readWatchState(home.root);
  const before = JSON.stringify(state);
  const out: Filed[] = [];
  const byId = new Map(agents.map((a) => [a.id, a]));
  for (const [n, entry] of cfg.folders.entries()) {
    const refuse = (expected: string, found: string, hint?: string) => problems.push({ file: 'aos.yaml', field: `watch.folders.${n}`, expected, found, ...(hint ? { hint } : {}) });
    if (!entry.agent) {
      refuse('an agent to hand each file to (chain targets start a chain once chains are connected; see docs/decisions.md)', `chain: ${entry.chain}`, 'this watcher is skipped');
      continue;
    }
    const agent = byId.get(entry.agent);
    if (!agent || agent.front.status !== 'active') {
      refuse('an active agent', agent ? `${entry.agent} is ${agent.front.status}` : `no agent ${entry.agent} (agents/${entry.agent}.md)`, 'this watcher is skipped');
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
        `a read grant for ${entry.agent} over the watched folder`,
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
    const wanted = listed.filter((f) => matches(f.name, entry.patterns));
    for (const f of toHash(wanted, (p) => state[watchKey(entry, p)])) {
      const key = watchKey(entry, f.path);
      const seen = state[key];
      let sha256: string;
      try {
        sha256 = await sha256Of(f.path);
      } catch (err) {
        // Gone since the listing (a download renamed, a file deleted): nothing to file. Unreadable:
        // said, and tried again next tick; the other files go on.
        if (isErrno(err, 'ENOENT')) continue;
        if (!isErrno(err, 'EACCES') && !isErrno(err, 'EPERM') && !isErrno(err, 'EISDIR')) throw err;
        problems.push({ file: f.path, expected: 'a watched file aos can read', found: (err as Error).message, hint: `watch.folders.${n} in aos.yaml; it is tried again each tick` });
        continue;
      }
      if (!isNew(sha256, seen)) {
        state[key] = { ...seen!, size: f.size, mtimeMs: f.mtimeMs };
        continue;
      }
      const now = env.now();
      const source = f.path.startsWith(env.vars.HOME ?? '\0') ? `~${f.path.slice(env.vars.HOME!.replace(/\/+$/, '').length)}` : f.path;
      let refused: string | undefined;
      let judged;
      if (f.size > cfg.max_file_kb * 1024) refused = `${Math.ceil(f.size / 1024)} KB, over the cap of ${cfg.max_file_kb} KB (watch.max_file_kb)`;
      else {
        judged = await judge(f.path, f.name, capsOf(home.config));
        if (judged.kind.kind === 'unsupported') refused = judged.kind.why;
      }
      if (refused || !judged || judged.kind.kind === 'unsupported') {
        state[key] = { size: f.size, mtimeMs: f.mtimeMs, sha256, refused };
        out.push({ source, refused });
        const log = await appendLog(home, tz, now, { kind: 'watch', agent: entry.agent, body: `${source} was not filed: ${refused}. It stays where it is.` });
        await commitOrHold(home, env, problems, log, { who: agentIdentity(entry.agent), subject: `${entry.agent}: watched file ${f.name} not filed`, trailers: { 'Aos-Kind': 'watch', 'Aos-Agent': entry.agent, 'Aos-Device': home.device }, paths: [log] });
        continue;
      }
      let made;
      try {
        made = await fileItemFor(
          home.root,
          env,
          { path: f.path, name: f.name, size: f.size, kind: judged.kind, how: 'copy', task: entry.task, from: 'watch', to: entry.agent, priority: entry.priority, source, ignored: !cfg.commit_files },
          localTime(now, tz).iso,
        );
      } catch (err) {
        // Deleted between reading and copying: not filed, and not remembered (if it comes back, it is new).
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      state[key] = { size: f.size, mtimeMs: f.mtimeMs, sha256, item: made.id };
      out.push({ source, item: made.id });
      const log = await appendLog(home, tz, now, { kind: 'watch', agent: entry.agent, ref: made.id, body: `${source} ${seen ? 'changed' : 'appeared'}: filed as ${made.id} for ${entry.agent} (copy at ${made.attachment}${cfg.commit_files ? '' : ', not committed'}).` });
      await commitOrHold(home, env, problems, made.file, {
        who: agentIdentity(entry.agent),
        subject: `${entry.agent}: watched file ${f.name}`,
        trailers: { 'Aos-Kind': 'watch', 'Aos-Agent': entry.agent, 'Aos-Item': made.id, 'Aos-Device': home.device },
        paths: [made.file, ...(cfg.commit_files ? [made.attachment] : []), log],
      });
      // Remembered after the commit: a crash before it files the file again (a duplicate), never misses it.
      await writeWatchState(home.root, state);
    }
  }
  if (JSON.stringify(state) !== before) await writeWatchState(home.root, state);
  return out;
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
