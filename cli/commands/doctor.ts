// Validates every file in one pass and changes nothing. Exit 1 when anything needs the owner.
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import fg from 'fast-glob';
import type { Args, Env } from '../env.js';
import { formatProblem, ValidationError, type Problem } from '../errors.js';
import { crossCheck } from '../core/docs/crosscheck.js';
import { parseRunRecord } from '../core/runs/runrecord.js';
import { listRecords } from '../home/records.js';
import { readJournals } from '../home/journal.js';
import { OUTAGE_FILE, readOutage } from '../home/outage.js';
import { outageProblem } from '../core/runs/outage.js';
import { timeZoneProblem } from '../core/docs/time.js';
import { LOCK_STALE_MINUTES } from '../core/runs/lock.js';
import { checkLogFile, checkLogHistory, INDEX_FILE } from '../core/docs/textchecks.js';
import { lintMemory } from '../core/memory/memlint.js';
import { sandboxFinding } from '../core/agents/confine.js';
import { readLedger } from '../home/approvals.js';
import { findHome } from '../home/find.js';
import { readConfig } from '../home/config.js';
import { loadAgents, loadInbox, loadApprovals, loadGoals, loadMemories, loadDone } from '../home/store.js';
import { inspectLock } from '../home/lock.js';
import { notifyProgramProblem } from '../home/notify.js';
import { loadClaims } from '../home/syncstate.js';
import { DocCache } from '../home/doccache.js';
import { writeProblems } from '../home/health.js';
import { exists, isErrno, listNames } from '../home/files.js';
import { isRepo, numstat } from '../git/read.js';
import { ignoresTempFiles, planTempCleanup, tempWriter, TEMP_IGNORE_LINE } from '../core/docs/tempfiles.js';
import { BAD_CONFIG_HELP, CONFIG_FILE, LAST_GOOD_CONFIG } from '../core/docs/configfile.js';
import { rulesProblems } from '../core/rules/judge.js';
import { offerOf, offerProblems } from '../core/economy/sellconfig.js';

export async function doctor(_args: Args, env: Env): Promise<number> {
  const root = findHome(env);
  const problems: Problem[] = [];
  const notes: string[] = [];
  // Doctor parses every file itself and writes nothing, not even the cache.
  const cache = DocCache.none();
  const { config, problems: configProblems } = await readConfig(root, cache);
  problems.push(...configProblems);
  const zone = config && timeZoneProblem(config.owner.timezone);
  if (zone) problems.push(zone);
  const notifyProblem = config && (await notifyProgramProblem(config, env.vars));
  if (notifyProblem) problems.push(notifyProblem);
  if (config) problems.push(...rulesProblems([{ settings: config.rules, file: CONFIG_FILE }]));

  const [agents, inbox, approvals, goals, memories, done] = await Promise.all([
    loadAgents(root, cache),
    loadInbox(root, cache),
    loadApprovals(root, cache),
    loadGoals(root, cache),
    loadMemories(root, cache),
    loadDone(root, cache),
  ]);
  for (const r of [agents, inbox, approvals, goals, memories, done]) problems.push(...r.problems);
  problems.push(...crossCheck({ config, agents: agents.agents, inbox: inbox.items, goals: goals.docs }));
  // Issue 21: what aos.yaml sells names agents and secrets that exist.
  const offer = config && offerOf(config.sell_to_network, config.default_agent);
  if (offer) problems.push(...offerProblems(offer, { secrets: Object.keys(config.secrets ?? {}), agents: agents.agents.map((a) => a.id) }));
  problems.push(...(await writeProblems(root)));
  // Chain files and runs (issue 20): read only when chains/ holds something.
  if ((await listNames(join(root, 'chains'))).length) {
    const { loadChains, loadRuns } = await import('../home/chains.js');
    problems.push(...(await loadChains(root)).problems, ...(await loadRuns(root)).problems);
  }
  for (const a of approvals.docs) {
    if ((a.front.status === 'approved' || a.front.status === 'denied') && !(await readLedger(root, a.front.id))) {
      notes.push(`${a.file} is ${a.front.status}, but no run on this device asked for it: it is never acted on here (another device may have asked)`);
    }
  }
  const { sandboxState } = await import('../tools/shell.js');
  const found = sandboxFinding(sandboxState(config, env.vars), agents.agents.filter((a) => a.front.capabilities.some((c) => c.startsWith('shell:'))).map((a) => a.id));
  if (found.problem) problems.push(found.problem);
  if (found.note) notes.push(found.note);

  // The same memory checks as aos memory lint (schema problems are already counted above).
  const index = await fs.readFile(join(root, INDEX_FILE), 'utf8').catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
  const topicFiles = (await listNames(join(root, 'memory'))).filter((e) => e.name.endsWith('.md') && e.name !== 'MEMORY.md').map((e) => e.name.slice(0, -3));
  problems.push(...lintMemory({ index, topics: memories.docs.map((d) => ({ slug: d.name, front: d.front })), files: new Set(topicFiles), invalid: [] }));

  const logFiles = await fg('logs/**/*.md', { cwd: root, ignore: ['logs/runs/**'], dot: false });
  for (const file of logFiles.sort()) problems.push(...checkLogFile(file, await fs.readFile(join(root, file), 'utf8')));
  const records = await listRecords(root);
  for (const file of records) {
    try {
      const rec = parseRunRecord(file, await fs.readFile(join(root, file), 'utf8'));
      if (rec.front.outcome === 'running') notes.push(`${file} is still marked running (a run in progress, or one the next tick recovers)`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  for (const c of await loadClaims(root)) {
    if ('unreadable' in c) problems.push({ file: c.file, expected: 'a claim: front matter with item, device and claimed (an ISO time)', found: c.reason, hint: 'its item waits; delete the file to let a device claim it again' });
  }
  const outage = await readOutage(root);
  if (outage) problems.push(outageProblem(outage, OUTAGE_FILE));
  for (const journal of await readJournals(root)) notes.push(`run ${journal.run} of ${journal.itemId || 'an item'} has not finished (${journal.phase}); the next tick completes or recovers it`);

  if (isRepo(root)) {
    problems.push(...(await (await import('../flows/syncfaults.js')).syncFaults(root, env, config)));
    problems.push(...checkLogHistory(await numstat(root, env.vars, 'logs')));
    // No file is the common case (no line either); one that cannot be read is its own problem.
    const attributes = await fs.readFile(join(root, '.gitattributes'), 'utf8').catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return '';
      problems.push({ file: '.gitattributes', expected: 'a readable file', found: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    if (attributes !== undefined && !/^logs\/\*\*\/\*\.md\s+merge=union/m.test(attributes)) {
      problems.push({ file: '.gitattributes', expected: 'a line "logs/**/*.md merge=union" so logs from two devices merge', found: 'none' });
    }
  } else {
    problems.push({ file: root, expected: 'a git repository (aos init makes one)', found: 'none' });
  }
  const gitignore = (await exists(join(root, '.gitignore'))) ? await fs.readFile(join(root, '.gitignore'), 'utf8') : '';
  if (!/^\.aos\/?$/m.test(gitignore)) {
    problems.push({ file: '.gitignore', expected: 'a line ".aos/" so local state stays out of git', found: 'none' });
  }
  if (!ignoresTempFiles(gitignore)) notes.push(`.gitignore has no line "${TEMP_IGNORE_LINE}" for aos's temp files; the next tick adds it`);
  if (isRepo(root)) {
    const { inspectTempFiles } = await import('../flows/upkeep.js');
    const temps = planTempCleanup(await inspectTempFiles(root, env));
    for (const path of temps.remove) {
      problems.push({ file: path, expected: 'no temp file left behind', found: `a temp file of a write that was killed (pid ${tempWriter(path)} is gone)`, hint: 'the next tick removes it; or delete it; see docs/recovery.md#temp-files' });
    }
    for (const k of temps.keep) notes.push(`${k.path} is a temp file being written (${k.why})`);
  }
  if (configProblems.length && (await exists(join(root, LAST_GOOD_CONFIG)))) {
    notes.push(`aos.yaml is broken, so aos runs on the last good copy (${LAST_GOOD_CONFIG}) until it is fixed; ${BAD_CONFIG_HELP}`);
  }

  const lock = await inspectLock(root, env, config?.tick.lock_stale_minutes ?? LOCK_STALE_MINUTES);
  if (lock?.verdict.stale) {
    problems.push({ file: '.aos/lock', expected: 'no stale lock', found: `a stale lock (${lock.verdict.reason})`, hint: 'the next tick takes it over; see docs/recovery.md#stuck-lock' });
  } else if (lock?.holder) {
    notes.push(`the home is locked by ${lock.holder.command} (pid ${lock.holder.pid} on ${lock.holder.host}) since ${lock.holder.started}`);
  }

  const checked = 1 + records.length + agents.docs.length + inbox.docs.length + approvals.docs.length + goals.docs.length + memories.docs.length + done.docs.length + logFiles.length;
  if (env.out.json) {
    env.out.data({ ok: problems.length === 0, checked, problems, notes });
  } else {
    for (const n of notes) env.out.line(`note: ${n}`);
    if (problems.length) {
      for (const p of problems) env.out.line(formatProblem(p));
      const files = new Set(problems.map((p) => p.file)).size;
      env.out.warn(`\n${problems.length} problem(s) in ${files} file(s); ${checked} files checked. Nothing was changed.`);
    } else {
      env.out.line(`All good: ${checked} files checked, no problems.`);
    }
  }
  return problems.length ? 1 : 0;
}
