// Chains on disk (issue 20): the declarations (chains/<name>.yaml, the owner's) and the runs
// (chains/runs/<run>.md, one file per run, aos's). A run file records each step's item and status
// for people and `aos chain show`; what a step really is comes from its item (pending in inbox/,
// done in inbox/done/), so the run file can be behind after a crash and is brought up to date.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  ChainSchema,
  CHAIN_NAME,
  RunSchema,
  chainProblems,
  finished,
  planChain,
  renderRun,
  renderStepApproval,
  runId,
  stepApprovalId,
  stepHash,
  stepItemId,
  type ApprovalSeen,
  type ChainDef,
  type ChainPlan,
  type RunFront,
  type StepSeen,
} from '../core/events/chains.js';
import { topicMatches } from '../core/events/topics.js';
import { verifyAnswer } from '../core/agents/approval.js';
import { parseYaml } from '../core/docs/yaml.js';
import { validate } from '../core/docs/validate.js';
import { parseFrontMatter, setFrontMatterFields } from '../core/docs/frontmatter.js';
import { parseDoc } from '../core/docs/parsedoc.js';
import { renderItem } from '../core/runs/inbox.js';
import { suffix } from '../core/docs/ids.js';
import { localTime, stamp } from '../core/docs/time.js';
import type { ApprovalFront } from '../core/docs/schemas.js';
import { UserError, type Problem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from './home.js';
import { createExclusive, isErrno, listNames, readIfExists, writeAtomic } from './files.js';
import { closeApproval, readLedger, writeLedger } from './approvals.js';
import { doneFolders, findDone } from './store.js';

export const CHAINS_FOLDER = 'chains';
export const RUNS_FOLDER = 'chains/runs';

export interface Chain {
  name: string;
  file: string;
  def: ChainDef;
}

export interface ChainRun {
  file: string;
  front: RunFront;
  input: string;
}

/** Every chain file, validated; a broken one is a problem naming its file, and the others load. */
export async function loadChains(root: string): Promise<{ chains: Map<string, Chain>; problems: Problem[] }> {
  const chains = new Map<string, Chain>();
  const problems: Problem[] = [];
  for (const e of await listNames(join(root, CHAINS_FOLDER))) {
    if (!e.isFile || !/\.ya?ml$/.test(e.name)) continue;
    const file = `${CHAINS_FOLDER}/${e.name}`;
    const name = e.name.replace(/\.ya?ml$/, '');
    if (!CHAIN_NAME.test(name)) {
      problems.push({ file, expected: 'a file name that is a chain name (lowercase letters, digits, dashes, at most 30)', found: `"${name}"`, hint: 'rename the file; the chain is skipped until then' });
      continue;
    }
    const raw = await readIfExists(join(root, file));
    if (raw === undefined) continue;
    const parsed = parseChainText(file, raw);
    if ('problems' in parsed) {
      problems.push(...parsed.problems.map((p) => ({ ...p, hint: p.hint ?? 'this chain is skipped until fixed; the other chains go on; see docs/recovery.md#chain-runs' })));
      continue;
    }
    if (chains.has(name)) {
      problems.push({ file, expected: 'one file per chain name', found: `${chains.get(name)!.file} names the same chain`, hint: 'this one is skipped' });
      continue;
    }
    chains.set(name, { name, file, def: parsed.def });
  }
  return { chains, problems };
}

export function parseChainText(file: string, raw: string): { def: ChainDef } | { problems: Problem[] } {
  const { yaml, problems } = parseYaml(file, raw.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'));
  if (!yaml) return { problems };
  if (yaml.data === null || typeof yaml.data !== 'object' || Array.isArray(yaml.data)) return { problems: [{ file, line: 1, expected: 'a mapping with steps: (and optional description, trigger, input)', found: Array.isArray(yaml.data) ? 'a list' : String(yaml.data) }] };
  const checked = validate(ChainSchema, yaml.data, file, yaml);
  if (!checked.value) return { problems: checked.problems };
  const more = chainProblems(file, checked.value);
  return more.length ? { problems: more } : { def: checked.value };
}

export const runFile = (run: string) => `${RUNS_FOLDER}/${run}.md`;

export async function readRun(root: string, file: string): Promise<{ run?: ChainRun; problems: Problem[] }> {
  const raw = await readIfExists(join(root, file));
  if (raw === undefined) return { problems: [{ file, expected: 'a chain run file', found: 'nothing' }] };
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) return { problems: parsed.problems };
  const checked = validate(RunSchema, parsed.data ?? {}, file, parsed.yaml);
  if (!checked.value) return { problems: checked.problems };
  const input = /^## Input\r?\n\r?\n([\s\S]*)$/m.exec(parsed.body)?.[1]?.trim() ?? '';
  return { run: { file, front: checked.value, input: input === '(none)' ? '' : input }, problems: [] };
}

/** Every run, oldest first; a damaged run file is a problem and the rest are read. */
export async function loadRuns(root: string): Promise<{ runs: ChainRun[]; problems: Problem[] }> {
  const runs: ChainRun[] = [];
  const problems: Problem[] = [];
  const names = (await listNames(join(root, RUNS_FOLDER))).filter((e) => e.isFile && e.name.endsWith('.md')).map((e) => e.name).sort();
  for (const name of names) {
    const r = await readRun(root, `${RUNS_FOLDER}/${name}`);
    if (r.run) runs.push(r.run);
    problems.push(...r.problems);
  }
  return { runs, problems };
}

/**
 * A new run: its file only, every step pending; the tick's advance (flows/chains.ts) files its first
 * step. `fixed` gives the run its id: a scheduled slot's (`at` and `suffix`), or one a watcher wrote
 * down before starting (`run`); with a fixed id a run already there is not started again (undefined).
 */
export async function startRun(
  home: Home,
  env: Env,
  chain: Chain,
  trigger: string,
  input: string,
  fixed?: { at: Date; suffix: string } | { run: string },
  file0?: { attachment?: string; source: string },
): Promise<{ run: string; file: string } | undefined> {
  const now = env.now();
  for (let attempt = 0; ; attempt++) {
    // A scheduled run's id is its slot's: a second tick (or device) cannot start it again.
    const run = !fixed ? runId(stamp(now), chain.name, suffix(env.randomBytes(4))) : 'run' in fixed ? fixed.run : runId(stamp(fixed.at), chain.name, fixed.suffix);
    const file = runFile(run);
    const front: RunFront = {
      run,
      chain: chain.name,
      status: 'running',
      trigger,
      started: localTime(now, home.config.owner.timezone).iso,
      ...(file0 ?? {}),
      steps: chain.def.steps.map((s, i) => ({ name: s.name, agent: s.agent, item: stepItemId(run, i, s.name), status: 'pending' as const, ...(s.approve ? { approval: stepApprovalId(run, i) } : {}) })),
    };
    try {
      await fs.mkdir(join(home.root, RUNS_FOLDER), { recursive: true });
      await createExclusive(join(home.root, file), home.redact(renderRun(front, input)));
      return { run, file };
    } catch (err) {
      if (isErrno(err, 'EEXIST') && fixed) return undefined;
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
}

/** The suffix of scheduled runs' ids (a slot's run is `<slot stamp>-cron.<chain>`). */
export const SCHEDULED_SUFFIX = 'cron';

/** When a chain's schedule last started a run, from the run files' names. */
export async function lastScheduled(root: string, chain: string): Promise<Date | undefined> {
  const tail = `-${SCHEDULED_SUFFIX}.${chain}.md`;
  const last = (await listNames(join(root, RUNS_FOLDER))).map((e) => e.name).filter((n) => n.endsWith(tail) && n.length === 15 + tail.length).sort().pop();
  if (!last) return undefined;
  const at = new Date(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6, 8)}T${last.slice(9, 11)}:${last.slice(11, 13)}:${last.slice(13, 15)}Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** Starts a run of every chain whose trigger takes the topic, with the event's body as input. */
export async function startTopicRuns(home: Home, env: Env, topic: string, body: string): Promise<{ runs: string[]; files: string[]; problems: Problem[] }> {
  const out = { runs: [] as string[], files: [] as string[], problems: [] as Problem[] };
  // The common case: no chains folder, nothing read.
  if (!(await listNames(join(home.root, CHAINS_FOLDER))).length) return out;
  const { chains, problems } = await loadChains(home.root);
  out.problems.push(...problems);
  for (const chain of chains.values()) {
    const t = chain.def.trigger?.topic;
    if (!t || !topicMatches(t, topic)) continue;
    const r = (await startRun(home, env, chain, `topic:${topic}`, body))!;
    out.runs.push(r.run);
    out.files.push(r.file);
  }
  return out;
}

/** `aos chain run <name>`: the chain by name, or a UserError naming its file and what is wrong. */
export async function chainByName(root: string, name: string): Promise<Chain> {
  const { chains, problems } = await loadChains(root);
  const found = chains.get(name);
  if (found) return found;
  const bad = problems.filter((p) => p.file === `${CHAINS_FOLDER}/${name}.yaml` || p.file === `${CHAINS_FOLDER}/${name}.yml`);
  if (bad.length) throw new UserError(`${bad[0]!.file} is not a valid chain:\n${bad.map((p) => `  ${p.line ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}expected ${p.expected}, found ${p.found}`).join('\n')}\nFix it and run again; the other chains are not affected.`);
  throw new UserError(`no chain "${name}" in ${CHAINS_FOLDER}/ (chains are ${CHAINS_FOLDER}/<name>.yaml; known: ${[...chains.keys()].join(', ') || 'none'})`);
}

/** What each step's item says now: absent, pending in inbox/, failed there, or done with its result. */
export async function observeSteps(root: string, run: ChainRun): Promise<StepSeen[]> {
  const folders = await doneFolders(root);
  const seen: StepSeen[] = [];
  for (const step of run.front.steps) {
    const pending = await readIfExists(join(root, `inbox/${step.item}.md`));
    if (pending !== undefined) {
      const status = /^status:\s*(\S+)/m.exec(pending)?.[1];
      seen.push(status === 'failed' ? { state: 'failed', error: /^error:\s*(.*)$/m.exec(pending)?.[1]?.trim() } : { state: 'pending' });
      continue;
    }
    const done = await findDone(root, step.item, folders);
    if (!done) {
      seen.push({ state: 'absent' });
      continue;
    }
    const text = (await readIfExists(join(root, done))) ?? '';
    const status = /^status:\s*(\S+)/m.exec(text)?.[1];
    const result = text.split(/\r?\n## Result\r?\n/).slice(1).join('\n## Result\n').trim();
    seen.push(status === 'done' ? { state: 'done', result } : { state: 'failed', error: `its item ended ${status ?? 'without a status'}` });
  }
  return seen;
}

/**
 * The owner's answer to a step's approval, checked as a tool's answer is: only a question this
 * device asked (the ledger in .aos/) counts, and only for exactly the step it named (the hash).
 */
export async function observeApproval(root: string, run: ChainRun, index: number, expectedHash: () => string): Promise<ApprovalSeen> {
  const id = stepApprovalId(run.front.run, index);
  const step = run.front.steps[index]!;
  const ledger = await readLedger(root, id);
  if (ledger?.state === 'performed' || ledger?.state === 'performing') return { state: 'approved' };
  if (ledger?.state === 'denied') return { state: 'denied' };
  if (ledger?.state === 'refused') return { state: 'refused', reason: `approval ${id} was refused` };
  const file = `inbox/approvals/${id}.md`;
  const raw = await readIfExists(join(root, file));
  // Not asked yet, or a crash came between the ledger and the file (or the owner deleted the question): ask (again).
  if (raw === undefined) return { state: 'none' };
  const parsed = parseDoc('approval', file, raw);
  if (!parsed.doc) return { state: 'pending', note: `${file} cannot be read: ${parsed.problems[0]?.expected ?? 'invalid'}` };
  const front = parsed.doc.front as ApprovalFront;
  if (front.status === 'pending') return { state: 'pending' };
  // Another device asked: it acts on the answer (its ledger knows the question), this one waits.
  if (!ledger) return { state: 'pending', note: 'asked on another device, which acts on the answer' };
  const why = verifyAnswer(front, ledger, { item: step.item, run: run.front.run, agent: step.agent }) ?? (front.hash !== expectedHash() ? "the step's text changed since it was asked" : undefined);
  if (why) return { state: 'refused', reason: why };
  return front.status === 'approved' ? { state: 'approved' } : front.status === 'denied' ? { state: 'denied' } : { state: 'pending' };
}

export interface Advanced {
  plan: ChainPlan;
  /** Files written: the caller commits exactly these. */
  files: string[];
  /** What changed, for the log and the commit subject; empty when nothing did. */
  said: string[];
}

/**
 * One run brought forward: read what its steps' items and approvals say, plan the next move, and
 * write it. Each write is one that a crash can repeat: the step's item and the approval have fixed
 * names (created exclusively), the ledger is written before the question and marked before the
 * item is filed, the run file last.
 */
/**
 * A run's next move from what its files say, read only: each step's item, and the approval before
 * the next step when it has one. The tick applies it (advanceRun); `aos tick --dry-run` shows it.
 */
export async function planRun(root: string, chain: Chain, run: ChainRun): Promise<{ plan: ChainPlan; seen: StepSeen[] }> {
  const seen = await observeSteps(root, run);
  const hashOf = (i: number, text: string) => stepHash(run.front.run, i, chain.def.steps[i]!.agent, text);
  const approvals = new Map<number, ApprovalSeen>();
  // Only the approval the plan may need: the step after the last one filed.
  let next = 0;
  for (let i = seen.length - 1; i >= 0; i--) if (seen[i]!.state !== 'absent') { next = i + 1; break; }
  const plan0 = planChain({ name: chain.name, def: chain.def }, { id: run.front.run, input: run.input }, seen, approvals, hashOf);
  if (next < chain.def.steps.length && chain.def.steps[next]!.approve) {
    const text = plan0.actions.find((a) => a.kind === 'ask')?.text;
    approvals.set(next, await observeApproval(root, run, next, () => (text ? hashOf(next, text) : '')));
  }
  const plan = approvals.size ? planChain({ name: chain.name, def: chain.def }, { id: run.front.run, input: run.input }, seen, approvals, hashOf) : plan0;
  return { plan, seen };
}

export async function advanceRun(home: Home, env: Env, chain: Chain, run: ChainRun): Promise<Advanced> {
  const root = home.root;
  const tz = home.config.owner.timezone;
  const now = env.now();
  const { plan, seen } = await planRun(root, chain, run);
  const files: string[] = [];
  const said: string[] = [];
  for (const action of plan.actions) {
    const step = plan.steps[action.step]!;
    if (action.kind === 'file') {
      const ledger = step.approval ? await readLedger(root, step.approval) : undefined;
      if (ledger && ledger.state === 'asked') await writeLedger(root, { ...ledger, state: 'performing', answered: localTime(now, tz).iso });
      const file = `inbox/${step.item}.md`;
      // A watcher's run: the file goes with the first step, as an image or document block for its model.
      const file0 = action.step === 0 && run.front.attachment ? { attachment: run.front.attachment, source: run.front.source } : {};
      const item = renderItem({ id: step.item, text: action.text, created: localTime(now, tz).iso, from: `chain:${chain.name}`, to: step.agent, kind: 'request', chain_run: run.front.run, ...file0 });
      try {
        await createExclusive(join(root, file), home.redact(item));
        files.push(file);
        said.push(`filed step ${action.step + 1} (${step.name}) for ${step.agent} as ${step.item}`);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      step.status = 'filed';
      if (ledger) await writeLedger(root, { ...ledger, state: 'performed', answered: ledger.answered ?? localTime(now, tz).iso });
    } else if (action.kind === 'ask') {
      const id = step.approval!;
      const created = localTime(now, tz).iso;
      if (!(await readLedger(root, id))) await writeLedger(root, { id, hash: action.hash, run: run.front.run, agent: step.agent, item: step.item, tool: 'chain', tool_use_id: `step-${action.step + 1}`, pattern: `chain:${chain.name}:${step.name}`, created, state: 'asked' });
      const file = `inbox/approvals/${id}.md`;
      try {
        await fs.mkdir(join(root, 'inbox/approvals'), { recursive: true });
        await createExclusive(join(root, file), home.redact(renderStepApproval({ id, agent: step.agent, run: run.front.run, item: step.item, chain: chain.name, step: step.name, index: action.step, count: chain.def.steps.length, text: action.text, hash: action.hash, created })));
        files.push(file);
        said.push(`asks the owner's approval ${id} before step ${action.step + 1} (${step.name})`);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
      }
    } else {
      const id = step.approval!;
      const ledger = await readLedger(root, id);
      if (ledger && action.status !== 'done' && ledger.state === 'asked') await writeLedger(root, { ...ledger, state: action.status === 'denied' ? 'denied' : 'refused', answered: localTime(now, tz).iso });
      const open = `inbox/approvals/${id}.md`;
      const raw = await readIfExists(join(root, open));
      if (raw !== undefined) {
        const answered = /^answered:\s*(\S+)/m.exec(raw)?.[1] ?? localTime(now, tz).iso;
        const closed = await closeApproval(root, open, id, localTime(now, tz).date, { status: action.status, answered, ...(action.reason ? { reason: action.reason } : {}) });
        files.push(open, closed);
      }
    }
  }
  // A crash after a step's item was filed and before its approval was filed away: file it away now.
  for (const [i, step] of plan.steps.entries()) {
    if (!step.approval || seen[i]!.state === 'absent' || plan.actions.some((a) => a.step === i)) continue;
    const open = `inbox/approvals/${step.approval}.md`;
    const raw = await readIfExists(join(root, open));
    if (raw === undefined || (await readLedger(root, step.approval))?.state !== 'performed') continue;
    const answered = /^answered:\s*(\S+)/m.exec(raw)?.[1] ?? localTime(now, tz).iso;
    files.push(open, await closeApproval(root, open, step.approval, localTime(now, tz).date, { status: 'done', answered }));
  }
  // The run file follows what the items say; written only when that changed.
  const changed = plan.status !== run.front.status || (plan.reason ?? '') !== (run.front.reason ?? '') || JSON.stringify(plan.steps.map((s) => s.status)) !== JSON.stringify(run.front.steps.map((s) => s.status));
  if (changed) {
    const raw = (await readIfExists(join(root, run.file))) ?? renderRun(run.front, run.input);
    const fields: Record<string, unknown> = { status: plan.status, updated: localTime(now, tz).iso, reason: plan.reason, steps: plan.steps };
    await writeAtomic(join(root, run.file), home.redact(setFrontMatterFields(run.file, raw, fields)));
    files.push(run.file);
    if (plan.status !== run.front.status && finished(plan.status)) said.push(plan.status === 'done' ? 'is done' : `${plan.status}: ${plan.reason}`);
  }
  return { plan, files, said };
}

/** The runs not yet finished, by the run file's own status. */
export async function activeRuns(root: string): Promise<{ runs: ChainRun[]; problems: Problem[] }> {
  if (!(await listNames(join(root, RUNS_FOLDER))).length) return { runs: [], problems: [] };
  const { runs, problems } = await loadRuns(root);
  return { runs: runs.filter((r) => !finished(r.front.status)), problems };
}

