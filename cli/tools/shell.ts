// The shell tool: a command is parsed by a real shell parser, judged by cli/core/agents/shellcheck.ts, passed
// through the policy gate and run without a shell (unless syntax was granted), with a timeout, capped
// output, a scrubbed environment and, where bubblewrap is installed, inside a sandbox that sees only
// the system folders and the home, read-only except the granted folders.
import * as v from 'valibot';
import { existsSync, statSync, promises as fs, type Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { checkShell, programNames, SAFE_PATH, type Resolution, type ShellDecision } from '../core/agents/shellcheck.js';
import { PRIVATE_MEMORY, type Capability } from '../core/agents/capabilities.js';
import { judgePaths, ownerOnly, pathUses, sandboxRefusal, type PathFact, type PathUse, type SandboxState } from '../core/agents/confine.js';
import { isErrno } from '../errors.js';
import type { Vars } from '../env.js';
import { pendingChanges } from '../git/read.js';
import { notARepo } from '../git/failures.js';
import { parseShell } from './shellparse.js';
import { insideGroup, pidsCgroup } from './pidscgroup.js';
import { defineTool } from './define.js';
import { ToolError, touch, workRoot, type RunCtx } from './runctx.js';

/** stdout and stderr together: the model reads this, so more is rarely useful. */
export const OUTPUT_CAP = 64 * 1024;

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Where bubblewrap is on PATH, or undefined: the PATH aos was started with (cron's, the owner's), so
 * taking it off PATH is how a test or an owner runs without it. Never a folder agents can write.
 */
export function sandboxAvailable(vars: Vars = { PATH: SAFE_PATH }): string | undefined {
  for (const dir of (vars.PATH ?? SAFE_PATH).split(':')) {
    if (!dir.startsWith('/') || ['/tmp', '/var/tmp', '/dev/shm'].some((w) => inside(dir, w))) continue;
    const path = join(dir, 'bwrap');
    const st = statIfAny(path);
    if (st?.isFile() && st.mode & 0o111) return path;
  }
  return undefined;
}

function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The sandbox as the pure check sees it: bubblewrap's place, or none and whether aos.yaml chose that. */
export function sandboxState(config: { sandbox?: 'bubblewrap' | 'none' | undefined } | undefined, vars: Vars): SandboxState {
  const bwrap = process.platform === 'linux' ? sandboxAvailable(vars) : undefined;
  return { ...(bwrap ? { bwrap } : {}), chosenNone: config?.sandbox === 'none', platform: process.platform };
}

/**
 * Where a word of the command lands: "~" is the working folder (the command's HOME), symbolic links
 * are followed one component at a time and ".." goes up from where the links led, as the kernel does.
 */
async function landing(cwdReal: string, word: string): Promise<string> {
  const w = word === '~' || word.startsWith('~/') ? `.${word.slice(1)}` : word;
  const segs = w.split('/');
  let cur = w.startsWith('/') ? '/' : cwdReal;
  for (const [i, seg] of segs.entries()) {
    if (!seg || seg === '.') continue;
    if (seg === '..') {
      cur = dirname(cur);
      continue;
    }
    const next = join(cur, seg);
    try {
      cur = await fs.realpath(next);
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
      if ((await fs.lstat(next).catch(() => undefined))?.isSymbolicLink()) throw new ToolError(`${next} is a symbolic link to a missing target`);
      return join(next, ...segs.slice(i + 1));
    }
  }
  return cur;
}

/** The IO half of the path confinement: each path the command uses, resolved on disk. */
async function pathFacts(uses: readonly PathUse[], cwdReal: string, homeReal: string): Promise<PathFact[]> {
  const facts: PathFact[] = [];
  for (const use of uses) {
    if (!use.sure && !(await fs.lstat(join(cwdReal, use.word)).catch(() => undefined))) continue;
    try {
      const real = await landing(cwdReal, use.word);
      if (!inside(real, homeReal)) {
        facts.push({ use, outside: real });
        continue;
      }
      const st = await fs.lstat(real).catch(() => undefined);
      facts.push({ use, inside: real === homeReal ? '.' : real.slice(homeReal.length + 1).split(sep).join('/'), ...(st?.isFile() && st.nlink > 1 ? { hardLinked: true } : {}) });
    } catch (err) {
      if (err instanceof ToolError) facts.push({ use, error: err.message });
      else if (err instanceof Error && 'code' in err) facts.push({ use, error: `cannot be resolved (${String(err.code)})` });
      else throw err;
    }
  }
  return facts;
}

/** Finds a program in the fixed system PATH; refuses one that lives where an agent could have put it. */
async function resolveProgram(name: string, homeReal: string): Promise<Resolution> {
  const writable = [homeReal, '/tmp', '/var/tmp', '/dev/shm', tmpdir()];
  for (const dir of SAFE_PATH.split(':')) {
    const path = join(dir, name);
    const st = await fs.stat(path).catch(() => undefined);
    if (!st || !st.isFile() || !(st.mode & 0o111)) continue;
    const real = await fs.realpath(path);
    if (writable.some((w) => inside(real, w))) return { refused: `program "${name}" resolves to ${real}, a place agents or other users can write` };
    const parent = await fs.stat(dirname(real));
    if (st.mode & 0o002 || parent.mode & 0o002) return { refused: `program "${name}" resolves to ${real}, which anyone can replace` };
    return { path };
  }
  return { refused: `program "${name}" is not installed in ${SAFE_PATH}` };
}

/** Where the shell runs: the sandbox found and aos.yaml's choice (the default: bubblewrap on SAFE_PATH, required). */
export interface ShellWhere {
  sandbox?: SandboxState;
  /** The run, whose scratch folder a command with cwd:scratch works in. */
  run?: string;
}

/** A run's scratch folder, relative to the home. */
const scratchOf = (run: string) => `.aos/scratch/${run.replace(/[^A-Za-z0-9._-]/g, '_')}`;

/** Parse, resolution and the pure check: what `aos can <agent> shell "<cmd>"` and the tool both use. */
export async function shellDecision(caps: readonly Capability[], command: string, homeRoot: string, where: ShellWhere = {}): Promise<ShellDecision> {
  const hasShell = caps.some((c) => c.kind === 'shell' && c.actions.includes('execute'));
  // Without a grant the parser (~70 ms) is not worth loading: the answer is no whatever the command.
  const ast = hasShell ? await parseShell(command) : { error: 'not parsed' };
  const homeReal = await fs.realpath(homeRoot).catch(() => homeRoot);
  const resolved: Record<string, Resolution> = {};
  if (!('error' in ast)) for (const name of programNames(ast)) resolved[name] = await resolveProgram(name, homeReal);
  const d = checkShell(caps, command, ast, resolved);
  if (!d.allowed || 'error' in ast) return d;
  // Every path the command names is judged like the file tools' paths, sandbox or not.
  const scratch = d.limits.cwd === 'scratch' ? scratchOf(where.run ?? 'aos-can') : undefined;
  const cwdReal = scratch ? join(homeReal, scratch) : homeReal;
  const confined = judgePaths(caps, await pathFacts(pathUses(ast), cwdReal, homeReal), d.limits.write, scratch);
  const unsandboxed = sandboxRefusal(where.sandbox ?? sandboxState(undefined, { PATH: SAFE_PATH }));
  const refusal = confined ?? unsandboxed;
  return refusal ? { ...d, allowed: false, reason: refusal } : d;
}

/** What programs need of /etc: the loader, certificates, names of users and groups, the time zone; the resolver only with network. */
const ETC = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'ssl', 'ca-certificates', 'pki', 'alternatives', 'passwd', 'group', 'nsswitch.conf', 'localtime', 'mime.types'];
const ETC_NETWORK = ['hosts', 'resolv.conf', 'host.conf', 'gai.conf', 'services', 'protocols'];

/**
 * Binds the command sees: system folders read-only, a private /proc, the parts of /etc programs need,
 * the home read-only, then the grants; no other home folder, no capabilities, its own session.
 */
async function sandboxArgs(homeReal: string, d: ShellDecision, scratch: string | undefined, cwd: string): Promise<string[]> {
  const a = ['--unshare-all', ...(d.limits.network ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const dir of ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt', '/nix', ...(d.limits.network ? ['/run/systemd/resolve'] : [])]) {
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st) continue;
    if (st.isSymbolicLink()) a.push('--symlink', await fs.readlink(dir), dir);
    else if (st.isDirectory()) a.push('--ro-bind', dir, dir);
  }
  for (const name of [...ETC, ...(d.limits.network ? ETC_NETWORK : [])]) {
    const at = join('/etc', name);
    const st = await fs.lstat(at).catch(() => undefined);
    if (st?.isSymbolicLink()) a.push('--symlink', await fs.readlink(at), at);
    else if (st) a.push('--ro-bind', at, at);
  }
  a.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--ro-bind', homeReal, homeReal);
  for (const w of d.limits.write) {
    const at = w === '.' ? homeReal : join(homeReal, w);
    a.push('--bind', at, at);
  }
  // After the write grants, so even a grant of the whole home leaves these read-only (agents/ and aos.yaml in any case).
  const top = await fs.readdir(homeReal).catch(() => [] as string[]);
  const ownerOnlyNames = top.filter((n) => ['agents', 'aos.yaml'].includes(n.toLowerCase()));
  for (const p of ['.git', '.aos', 'inbox/approvals', ...ownerOnlyNames]) {
    const at = join(homeReal, p);
    if (existsSync(at)) a.push(p === '.git' && d.gitWrites ? '--bind' : '--ro-bind', at, at);
  }
  // Agents' private memories (issue 22) are reached only through recall and remember, whose verdict
  // names the owner agent; the path check refuses the folder by name, and this hides it from what the
  // check cannot see (a glob, `grep -r`, "$HOME"). Last, so no write grant binds it back.
  const privateDir = join(homeReal, PRIVATE_MEMORY);
  if (existsSync(privateDir)) a.push('--tmpfs', privateDir);
  if (scratch) a.push('--bind', scratch, scratch);
  a.push('--chdir', cwd);
  return a;
}

/** prlimit (util-linux) on the fixed system PATH, where agents cannot have put one. */
export function prlimitPath(): string | undefined {
  return SAFE_PATH.split(':').map((dir) => join(dir, 'prlimit')).find((p) => existsSync(p));
}

/** prlimit's arguments for the decision's rlimits, put between the sandbox and the command. */
function rlimitArgs(d: ShellDecision, prlimit: string): string[] {
  const { cpuSeconds, memoryBytes, processes } = d.limits;
  return [prlimit, `--cpu=${cpuSeconds}`, `--as=${memoryBytes}`, `--nproc=${processes}`, '--core=0', '--'];
}

/** Creates a granted write folder if missing; refuses one reached through a symbolic link. */
async function writeFolder(homeReal: string, rel: string): Promise<void> {
  if (rel === '.') return;
  let at = homeReal;
  for (const seg of rel.split('/')) {
    at = join(at, seg);
    const st = await fs.lstat(at).catch(() => undefined);
    if (!st) await fs.mkdir(at);
    else if (st.isSymbolicLink() || !st.isDirectory()) throw new ToolError(`refused: the write grant ${rel} goes through ${at.slice(homeReal.length + 1)}, which is not a plain folder`);
  }
}

export interface ShellRun {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Bytes of output beyond the cap, not kept. */
  cut: number;
  /** What the command made that only the owner's approval writes (agents/, aos.yaml in another case): removed. */
  undone?: string[];
  sandboxed: boolean;
  /** The processes limit was a pids cgroup (aos as root), not only the rlimit. */
  pidsCgroup: boolean;
}

/** Runs an allowed decision. The caller has done the capability check and the policy gate. */
export async function runShell(ctx: Pick<RunCtx, 'home' | 'env' | 'run' | 'touched' | 'onTouch' | 'workdir'>, d: ShellDecision): Promise<ShellRun> {
  if (!d.allowed || !d.argv) throw new ToolError(`refused: ${d.reason}`);
  // In a mission the worktree takes the home's place: the command runs there and sees only it.
  const homeReal = await fs.realpath(workRoot(ctx));
  let scratch: string | undefined;
  if (d.limits.cwd === 'scratch') {
    scratch = join(homeReal, scratchOf(ctx.run));
    await fs.mkdir(scratch, { recursive: true });
  }
  const cwd = scratch ?? homeReal;
  const env: Record<string, string> = { PATH: SAFE_PATH, HOME: cwd, LANG: 'C.UTF-8', TZ: ctx.home.config?.owner?.timezone ?? 'UTC' };
  if (d.programs?.includes('git')) Object.assign(env, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' });
  const sandbox = sandboxState(ctx.home.config, ctx.env.vars);
  const unsandboxed = sandboxRefusal(sandbox);
  if (unsandboxed) throw new ToolError(`refused: ${unsandboxed}`);
  const bwrap = sandbox.bwrap;
  // The rlimits: prlimit (util-linux) from the fixed system PATH, or no command at all.
  const prlimit = prlimitPath();
  if (!prlimit) throw new ToolError('refused: prlimit (util-linux) is not installed, so the cpu, memory and processes limits cannot be enforced');
  let [file, ...args] = [...rlimitArgs(d, prlimit), ...d.argv] as [string, ...string[]];
  if (bwrap) {
    for (const w of d.limits.write) await writeFolder(homeReal, w);
    args = [...(await sandboxArgs(homeReal, d, scratch, cwd)), '--', file, ...args];
    file = bwrap;
  }
  // A home that is not a git repository has no changes to attribute; any other failure is one.
  const before = d.limits.write.length && !ctx.workdir ? await pendingChanges(ctx.home.root, ctx.env.vars).catch((err: unknown) => (notARepo(err) ? undefined : Promise.reject(err))) : undefined;

  // As root the processes rlimit binds nothing: a pids cgroup does, where one can be made. The command
  // joins it before it starts anything ("$0" is the group's cgroup.procs), so nothing escapes it.
  const group = await pidsCgroup(d.limits.processes);
  if (group) [file, args] = insideGroup(group, file, args);

  const { execa } = await import('execa');
  // Its own process group, so a timeout kills everything the command started.
  const child = execa(file, args, { cwd, env, extendEnv: false, shell: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, detached: true, reject: false, cleanup: true });
  const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let size = 0;
  let total = 0;
  const take = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
    total += chunk.length;
    if (size >= OUTPUT_CAP) return;
    const part = chunk.subarray(0, OUTPUT_CAP - size);
    size += part.length;
    kept[which].push(part);
  };
  child.stdout?.on('data', take('stdout'));
  child.stderr?.on('data', take('stderr'));
  let timedOut = false;
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
    // A process that left the group may still hold the pipes open; stop reading them.
    setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, 1000).unref();
  }, d.limits.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  await group?.release();

  const undone: string[] = [];
  if (before) {
    const was = new Set(before);
    const now = await pendingChanges(ctx.home.root, ctx.env.vars).catch((err: unknown) => (notARepo(err) ? [] : Promise.reject(err)));
    const changed = now.filter((p) => !was.has(p) && d.limits.write.some((w) => w === '.' || p === w || p.startsWith(`${w}/`)));
    // A new AGENTS/ or AOS.YAML (the sandbox keeps the existing ones read-only) would be agents/ or
    // aos.yaml on a Mac or Windows device this home syncs to: removed, never committed.
    for (const p of changed.filter((c) => ownerOnly(c))) {
      await fs.rm(join(homeReal, p.replace(/\/$/, '')), { recursive: true, force: true });
      undone.push(p);
    }
    // The run's commit takes exactly the files it touched, and these are the command's.
    const kept = changed.filter((p) => !p.startsWith('.aos/') && !ownerOnly(p));
    if (kept.length) await touch(ctx, ...kept);
  }
  return {
    ...(typeof result.exitCode === 'number' ? { exitCode: result.exitCode } : {}),
    ...(result.signal ? { signal: result.signal } : {}),
    timedOut,
    stdout: Buffer.concat(kept.stdout).toString('utf8'),
    stderr: Buffer.concat(kept.stderr).toString('utf8'),
    cut: total - size,
    sandboxed: Boolean(bwrap),
    pidsCgroup: Boolean(group),
    ...(undone.length ? { undone } : {}),
  };
}

/** The result as the model reads it. */
export function formatShellRun(command: string, d: ShellDecision, r: ShellRun): string {
  const lines = [`$ ${command}`];
  if (r.timedOut) lines.push(`timed out after ${d.limits.timeoutMs / 1000} s (killed)`);
  else if (r.signal) lines.push(`killed by ${r.signal}`);
  else lines.push(`exit code ${r.exitCode}`);
  if (r.stdout) lines.push('--- stdout ---', r.stdout.replace(/\n$/, ''));
  if (r.stderr) lines.push('--- stderr ---', r.stderr.replace(/\n$/, ''));
  if (r.undone) lines.push(`(refused and removed: ${r.undone.join(', ')}; agents/ and aos.yaml, in any letter case, are written only with the owner's approval)`);
  if (r.cut) lines.push(`(output cut: kept the first ${OUTPUT_CAP} bytes, ${r.cut} more not shown)`);
  if (!r.sandboxed) lines.push('(not sandboxed: aos.yaml says "sandbox: none", so the write and network limits were not enforced)');
  return lines.join('\n');
}

/**
 * The words the policy matches: the program by name and its arguments as parsed (so `git "push"`
 * is `git push`). A command run through sh (granted syntax) is matched on its text with quotes
 * and backslashes dropped, the conservative reading.
 */
export function policyWords(command: string, d: ShellDecision): string[] {
  if (!d.viaShell && d.argv?.length && d.program) return [d.program, ...d.argv.slice(1)];
  return command.replace(/["'\\]/g, '').trim().split(/\s+/);
}

export const shellTool = defineTool({
  name: 'run_shell',
  description:
    'Run one command (a granted program and its arguments) in the home or a scratch folder. No shell: pipes, ;, &&, redirections, globs, $VARS, $(…), backslashes and ~ are refused unless your capability grants that syntax. Quote arguments with single quotes.',
  input: v.strictObject({ command: v.pipe(v.string(), v.maxLength(4096), v.description('e.g. git log -n 5 --oneline')) }),
  offered: (caps) => caps.some((c) => c.kind === 'shell' && c.actions.includes('execute')),
  can: {
    argument: 'the command, quoted as one argument',
    judge: async (q) => {
      const d = await shellDecision(q.caps, q.argument, q.home.root, { sandbox: sandboxState(q.home.config, q.vars) });
      const capability = { allowed: d.allowed, reason: d.reason };
      if (!d.allowed) return { capability };
      return { capability, action: { kind: 'shell', resource: q.argument, verb: 'execute', argv: policyWords(q.argument, d) } };
    },
    call: (command) => ({ command }),
  },
  async run(input, ctx) {
    const d = await shellDecision(ctx.agent.caps, input.command, workRoot(ctx), { sandbox: sandboxState(ctx.home.config, ctx.env.vars), run: ctx.run });
    if (!d.allowed) throw new ToolError(`refused: ${d.reason}`);
    await ctx.gate({ tool: 'run_shell', kind: 'shell', resource: input.command, verb: 'execute', argv: policyWords(input.command, d), input, grant: d.reason });
    return formatShellRun(input.command, d, await runShell(ctx, d));
  },
});
