// The shell tool's decision, pure: the agent's capabilities, the command as written, its parse (by a
// real shell parser, cli/tools/shellparse.ts) and where each program resolved, in; a verdict out.
// Anything a shell would interpret is refused unless a capability's `syntax` grants it; programs are
// granted by name; git (gitcheck.ts) and a few programs that can run code or write files get their own rules.
import { normalizeHomePath, type Capability } from './capabilities.js';
import { checkGit } from './gitcheck.js';

// ---- the parse, as plain data ----

/** One piece of a word: Lit (unquoted, raw: backslashes kept), SglQuoted, DblQuoted, or an expansion. */
export interface ShPart {
  type: string;
  text: string;
  value?: string;
  dollar?: boolean;
  backquotes?: boolean;
  parts?: ShPart[];
}
export interface ShWord {
  text: string;
  /** name: a command's first word; arg: its other words; heredoc: a here-document's body. */
  role: 'name' | 'arg' | 'heredoc' | 'other';
  parts: ShPart[];
}
/** Every node that is not a word: BinaryCmd and Redirect carry their operator. */
export interface ShConstruct {
  type: string;
  text: string;
  op?: string;
  count?: number;
  backquotes?: boolean;
}
export interface ShellAst {
  /** Every simple command anywhere (inside substitutions too): its words, name first. */
  calls: ShWord[][];
  words: ShWord[];
  constructs: ShConstruct[];
  /** Each redirection's target word and operator (> >> < <> …), for the path confinement. */
  redirects?: { op: string; word: ShWord }[];
}

/** Where the IO layer found a program in the fixed system PATH, or why it would not use it. */
export type Resolution = { path: string } | { refused: string };

// ---- the verdict ----

export const SYNTAX_FEATURES = ['pipe', 'chain', 'redirect', 'glob', 'expand', 'substitution'] as const;
export type SyntaxFeature = (typeof SYNTAX_FEATURES)[number];

export interface ShellLimits {
  timeoutMs: number;
  cwd: 'home' | 'scratch';
  network: boolean;
  /** Folders relative to the home the command may write (inside bubblewrap). */
  write: string[];
  /** rlimits, per process: CPU seconds, address space in bytes, processes (prlimit, inside the sandbox). */
  cpuSeconds: number;
  memoryBytes: number;
  processes: number;
}

export interface ShellDecision {
  allowed: boolean;
  /** The capability that granted, or the rule that refused. */
  reason: string;
  /** What to execute: the resolved program and its literal arguments, or /bin/sh -c <command>. */
  argv?: string[];
  viaShell?: boolean;
  /** The (first) program's name. */
  program?: string;
  /** Every program the command runs, by name. */
  programs?: string[];
  /** git fetch/push write the repository's own objects and refs: the sandbox lets git write .git. */
  gitWrites?: boolean;
  limits: ShellLimits;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 10 * 60_000;
export const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';
const MAX_COMMAND = 4096;
export const DEFAULT_RLIMITS = { cpuSeconds: 60, memoryBytes: 1024 ** 3, processes: 256 };
const MAX_RLIMITS = { cpuSeconds: 3600, memoryBytes: 64 * 1024 ** 3, processes: 4096 };
const DEFAULT_LIMITS: ShellLimits = { timeoutMs: DEFAULT_TIMEOUT_MS, cwd: 'home', network: false, write: [], ...DEFAULT_RLIMITS };
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** cpu:10s, memory:512MB, processes:64: each within its cap, or what is wrong. */
function rlimits(one: (k: string) => string | undefined): typeof DEFAULT_RLIMITS | { error: string } {
  const out = { ...DEFAULT_RLIMITS };
  const cpu = one('cpu');
  if (cpu !== undefined) {
    const m = /^(\d{1,5})(s|m)$/.exec(cpu);
    if (!m) return { error: `cpu "${cpu}" is not like 10s or 2m` };
    out.cpuSeconds = Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  }
  const mem = one('memory');
  if (mem !== undefined) {
    const m = /^(\d{1,6})(B|KB|MB|GB)$/i.exec(mem);
    if (!m) return { error: `memory "${mem}" is not like 512MB or 2GB` };
    out.memoryBytes = Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!;
  }
  const procs = one('processes');
  if (procs !== undefined) {
    if (!/^\d{1,5}$/.test(procs)) return { error: `processes "${procs}" is not a whole number` };
    out.processes = Number(procs);
  }
  for (const k of ['cpuSeconds', 'memoryBytes', 'processes'] as const) {
    if (out[k] < 1 || out[k] > MAX_RLIMITS[k]) return { error: `${k === 'cpuSeconds' ? 'cpu' : k === 'memoryBytes' ? 'memory' : 'processes'} is outside 1…${MAX_RLIMITS[k]}${k === 'cpuSeconds' ? ' s' : k === 'memoryBytes' ? ' bytes' : ''}` };
  }
  if (out.memoryBytes < 16 * 1024 ** 2) return { error: 'memory under 16MB leaves no room for a program to start' };
  return out;
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const PLAIN_REMOTE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The limits a shell capability sets, or what is wrong with its constraint values. */
export function shellLimits(cap: Capability): ShellLimits | { error: string } {
  const c = cap.constraints;
  const one = (k: string) => (c[k] && c[k]!.length !== 1 ? undefined : c[k]?.[0]);
  for (const k of ['timeout', 'cwd', 'network', 'cpu', 'memory', 'processes']) if (c[k] && c[k]!.length !== 1) return { error: `${k} takes one value` };
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const t = one('timeout');
  if (t !== undefined) {
    const m = /^(\d{1,6})(ms|s|m)$/.exec(t);
    if (!m) return { error: `timeout "${t}" is not like 30s or 2m` };
    timeoutMs = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) return { error: `timeout ${t} is over the ${MAX_TIMEOUT_MS / 60_000}m cap` };
  }
  const cwd = one('cwd') ?? 'home';
  if (cwd !== 'home' && cwd !== 'scratch') return { error: `cwd "${cwd}" is not home or scratch` };
  const net = one('network') ?? 'off';
  if (net !== 'on' && net !== 'off') return { error: `network "${net}" is not on or off` };
  const write: string[] = [];
  for (const w of c.write ?? []) {
    const n = normalizeHomePath(w);
    if ('error' in n) return { error: `write "${w}": ${n.error}` };
    if (/[*?[\]{}]/.test(n.path)) return { error: `write "${w}": a folder, not a glob` };
    if (n.path.toLowerCase().split('/').some((s) => s === '.git') || n.path.toLowerCase().split('/')[0] === '.aos') return { error: `write "${w}": .git and .aos are never writable` };
    if (['agents', 'aos.yaml'].includes(n.path.toLowerCase().split('/')[0]!)) return { error: `write "${w}": agents/ and aos.yaml are written only with the owner's approval, never by a command` };
    write.push(n.path);
  }
  for (const s of c.syntax ?? []) if (!(SYNTAX_FEATURES as readonly string[]).includes(s)) return { error: `syntax "${s}" is not one of ${SYNTAX_FEATURES.join(', ')}` };
  for (const r of c.remotes ?? []) if (!PLAIN_REMOTE.test(r)) return { error: `remote "${r}" is not a plain remote name` };
  for (const s of c.subcommands ?? []) if (!PLAIN_NAME.test(s)) return { error: `subcommand "${s}" is not a plain word` };
  for (const p of cap.resources) if (p !== '*' && !PLAIN_NAME.test(p)) return { error: `program "${p}" is not a plain program name` };
  const r = rlimits(one);
  if ('error' in r) return r;
  return { timeoutMs, cwd, network: net === 'on', write, ...r };
}

// ---- characters ----

const hex = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Characters that hide or disguise what a command does: refused anywhere in it. */
function badCharacter(command: string): string | undefined {
  for (const ch of command) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || ch === '\t') continue;
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return `control character ${hex(ch)}`;
    if (/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.test(ch)) return `bidirectional control character ${hex(ch)}`;
    if (/[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\ufe00-\ufe0f\u2800]/u.test(ch) || (cp >= 0xe0100 && cp <= 0xe01ef)) return `invisible character ${hex(ch)}`;
    if (/[\p{Zs}\u2028\u2029]/u.test(ch) && ch !== ' ') return `unusual space ${hex(ch)}`;
    if (/[\p{Co}\p{Cn}\p{Cs}]/u.test(ch)) return `unassigned or private character ${hex(ch)}`;
    // Shapes of shell punctuation in other alphabets: a reader sees a pipe or a slash that is not one.
    if ((cp >= 0xff01 && cp <= 0xff5e) || (cp >= 0xfe50 && cp <= 0xfe6b) || (cp >= 0xfe30 && cp <= 0xfe4f)) return `look-alike (fullwidth or small form) character ${hex(ch)} "${ch}"`;
    if ('\u2215\u2044\u29f8\u2223\u01c0\u01c3\u037e\u2024\u2039\u203a\u2758\u2502\u02d0\u0589\u05c3\ua789\u2236'.includes(ch)) return `look-alike punctuation ${hex(ch)} "${ch}"`;
  }
  return undefined;
}

// ---- what the shell would do with the words and constructs ----

interface Feature {
  /** "never" features are refused whatever the grant. */
  feature: SyntaxFeature | 'never';
  what: string;
}

const NEVER_CONSTRUCTS: Record<string, string> = {
  Subshell: 'a subshell ( … )',
  Block: 'a command group { … }',
  IfClause: 'if',
  WhileClause: 'while/until',
  ForClause: 'for',
  CaseClause: 'case',
  FuncDecl: 'a function definition',
  ArithmCmd: 'an arithmetic command (( … ))',
  TestClause: 'a [[ … ]] test',
  DeclClause: 'a declaration (export, local, declare …)',
  LetClause: 'let',
  TimeClause: 'time',
  CoprocClause: 'coproc',
  TestDecl: 'a test declaration',
  ProcSubst: 'process substitution <( … ) / >( … )',
  ExtGlob: 'an extended glob like @( … ) or !( … )',
  Assign: 'a variable assignment (X=…)',
  Negated: 'negation with !',
  Background: 'a background job (&)',
  Coprocess: 'a coprocess',
  Comment: 'a comment (#)',
};

function constructFeature(c: ShConstruct): Feature | undefined {
  const never = NEVER_CONSTRUCTS[c.type];
  if (never) return { feature: 'never', what: never };
  switch (c.type) {
    case 'Statements':
      return { feature: 'chain', what: 'several commands (; or a newline)' };
    case 'BinaryCmd':
      if (c.op === '|') return { feature: 'pipe', what: 'a pipe |' };
      if (c.op === '&&' || c.op === '||') return { feature: 'chain', what: `chaining ${c.op}` };
      return { feature: 'never', what: `${c.op} (bash-only; /bin/sh reads it differently)` };
    case 'Redirect':
      // /bin/sh reads "cmd &> f" as a background job and a truncation: never what the parser saw.
      if (c.op === '&>' || c.op === '&>>' || c.op === '<<<') return { feature: 'never', what: `redirection ${c.op} (bash-only; /bin/sh reads it differently)` };
      return { feature: 'redirect', what: c.op === '<<' || c.op === '<<-' ? 'a here-document <<' : `redirection ${c.op}` };
    case 'CmdSubst':
      return { feature: 'substitution', what: c.backquotes ? 'command substitution with backticks' : 'command substitution $( … )' };
    case 'ParamExp':
      return { feature: 'expand', what: `variable expansion ${c.text}` };
    case 'ArithmExp':
      return { feature: 'expand', what: `arithmetic expansion ${c.text}` };
    case 'BraceExp':
      return { feature: 'expand', what: `brace expansion ${c.text}` };
    case 'BinaryArithm':
    case 'UnaryArithm':
    case 'ParenArithm':
      return undefined; // inside an arithmetic expansion, which is judged as a whole
    case 'Lit':
    case 'SglQuoted':
    case 'DblQuoted':
    case 'Word':
    case 'CallExpr':
    case 'Stmt':
    case 'File':
      return undefined;
    default:
      return { feature: 'never', what: `shell syntax ${c.type}` };
  }
}

/** What an unquoted piece of a word asks the shell to do. */
function litFeatures(value: string, first: boolean, out: Feature[]): void {
  if (value.includes('\\')) out.push({ feature: 'never', what: 'a backslash escape (use single quotes)' });
  const g = /[*?[]/.exec(value);
  if (g) out.push({ feature: 'glob', what: `globbing ${g[0]}` });
  if (/\{[^{}]*(,|\.\.)[^{}]*\}/.test(value)) out.push({ feature: 'expand', what: `brace expansion ${value}` });
  if (first && value.startsWith('~')) out.push({ feature: 'expand', what: `tilde expansion ${value}` });
  if (first && /^=[A-Za-z0-9_]/.test(value)) out.push({ feature: 'never', what: `=${value.slice(1)} (zsh's =command expansion)` });
}

function wordFeatures(w: ShWord, out: Feature[]): void {
  // A here-document's body is data; its expansions show up as constructs.
  if (w.role === 'heredoc') return;
  w.parts.forEach((p, i) => {
    if (p.type === 'Lit') litFeatures(p.value ?? '', i === 0, out);
    else if (p.type === 'SglQuoted' && p.dollar) out.push({ feature: 'expand', what: `$'…' quoting` });
    else if (p.type === 'DblQuoted') {
      if (p.dollar) out.push({ feature: 'expand', what: '$"…" quoting' });
      for (const q of p.parts ?? []) if (q.type === 'Lit' && q.value?.includes('\\')) out.push({ feature: 'never', what: 'a backslash inside double quotes (use single quotes)' });
    }
  });
}

/** The word's value when the shell would pass it on unchanged (only plain text and quotes). */
export function literal(w: ShWord): string | undefined {
  const f: Feature[] = [];
  wordFeatures({ ...w, role: 'arg' }, f);
  if (f.length) return undefined;
  let s = '';
  for (const p of w.parts) {
    if (p.type === 'Lit') s += p.value;
    else if (p.type === 'SglQuoted' && !p.dollar) s += p.value;
    else if (p.type === 'DblQuoted' && !p.dollar && (p.parts ?? []).every((q) => q.type === 'Lit' && !q.value?.includes('\\'))) s += (p.parts ?? []).map((q) => q.value).join('');
    else return undefined;
  }
  return s;
}

// ---- programs ----

/** Programs that run another program named in their arguments, which would bypass the by-name grant. */
const LAUNCHERS = new Set(['env', 'xargs', 'nice', 'nohup', 'timeout', 'stdbuf', 'sudo', 'doas', 'su', 'runuser', 'pkexec', 'chroot', 'setsid', 'flock', 'watch', 'strace', 'ltrace', 'ionice', 'taskset', 'unshare', 'nsenter', 'script', 'time', 'parallel', 'busybox', 'exec', 'eval', 'command', 'builtin', 'source', 'systemd-run', 'firejail', 'bwrap', 'proot', 'fakeroot', 'chrt', 'prlimit', 'setpriv', 'catchsegv', 'valgrind', 'gdb', 'expect', 'ssh']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'yash', 'rbash', 'elvish', 'nu', 'xonsh', 'pwsh']);

/** A long option, or any abbreviation of it that GNU getopt would accept (3+ letters). */
const longMatches = (arg: string, names: readonly string[]): string | undefined => {
  if (!arg.startsWith('--')) return undefined;
  const given = arg.slice(2).split('=')[0]!;
  return given.length >= 3 ? names.find((n) => n.startsWith(given)) : undefined;
};

type ArgRule = (args: string[], cap: Capability) => string | undefined;

const FIND_DANGER: Record<string, string> = {
  '-exec': 'runs a command',
  '-execdir': 'runs a command',
  '-ok': 'runs a command',
  '-okdir': 'runs a command',
  '-delete': 'deletes files',
  '-fprint': 'writes a file',
  '-fprint0': 'writes a file',
  '-fprintf': 'writes a file',
  '-fls': 'writes a file',
};

const TAR_LONG = ['to-command', 'use-compress-program', 'checkpoint-action', 'info-script', 'new-volume-script', 'rsh-command', 'rmt-command'];
const RSYNC_LONG = ['rsh', 'rsync-path'];

const PROGRAM_RULES: Record<string, ArgRule> = {
  find(args) {
    const bad = args.find((a) => a in FIND_DANGER);
    return bad ? `find ${bad} ${FIND_DANGER[bad]}` : undefined;
  },
  tar(args) {
    for (const [i, a] of args.entries()) {
      const long = longMatches(a, TAR_LONG);
      if (long) return `tar --${long} runs a program`;
      // -I/--use-compress-program and -F/--info-script name a program; so can old-style "xIf".
      if ((/^-[^-]/.test(a) || (i === 0 && /^[A-Za-z]+$/.test(a))) && /[IF]/.test(a)) return `tar -I and -F run a program`;
      if (!a.startsWith('-') && /^[^/=]+:/.test(a)) return `tar reaches a remote host for an archive named host:path ("${a}")`;
    }
    return undefined;
  },
  rsync(args) {
    for (const a of args) {
      const long = longMatches(a, RSYNC_LONG);
      if (long) return `rsync --${long} runs a program`;
      if (/^-[^-]/.test(a) && a.includes('e')) return 'rsync -e runs a program';
    }
    return undefined;
  },
  // GNU sed runs commands with `e` and `s///e` and writes files with `w`; --sandbox refuses all three.
  sed: (args) => (args.includes('--sandbox') ? undefined : 'sed can run commands (e, s///e) and write files (w): add --sandbox'),
  gawk: (args) => (args.includes('--sandbox') ? undefined : 'awk can run commands (system(), pipes) and write files: add --sandbox'),
  awk: (args) => (args.includes('--sandbox') ? undefined : 'awk can run commands (system(), pipes) and write files: add --sandbox (gawk)'),
  mawk: () => 'mawk can run commands (system()) and has no sandbox mode; grant gawk and use --sandbox',
  nawk: () => 'nawk can run commands (system()) and has no sandbox mode; grant gawk and use --sandbox',
  git: checkGit,
};

function programRule(program: string, args: (string | undefined)[], cap: Capability): string | undefined {
  if (SHELLS.has(program)) return `${program} is a shell and would run anything; grant the programs and the syntax you need instead`;
  if (program === 'env' && args.length === 0) return undefined;
  if (LAUNCHERS.has(program)) return `${program} runs other programs, which would bypass the by-name grant`;
  const rule = PROGRAM_RULES[program];
  const subs = cap.constraints.subcommands;
  if (!rule && !subs) return undefined;
  if (args.some((a) => a === undefined)) return `the arguments of ${program} must be literal text (its arguments are checked)`;
  const lit = args as string[];
  if (subs && program !== 'git') {
    const sub = lit.find((a) => !a.startsWith('-'));
    if (sub === undefined || !subs.includes(sub)) return `${program} ${sub ?? '(no subcommand)'}: subcommand not granted (subcommands: ${subs.join(', ')})`;
  }
  return rule?.(lit, cap);
}

// ---- the decision ----

/** The literal program names the command runs, for the IO layer to resolve. */
export function programNames(ast: ShellAst): string[] {
  const out = new Set<string>();
  for (const call of ast.calls) {
    const name = call[0] && literal(call[0]);
    if (name !== undefined && PLAIN_NAME.test(name)) out.add(name);
  }
  return [...out];
}

/**
 * Whether a shell capability names this program. "*" names any program found in SAFE_PATH; every
 * other rule (shells and launchers, per-program argument rules, syntax, paths, the sandbox) still applies.
 */
export const grantsProgram = (cap: Capability, program: string): boolean => cap.resources.includes(program) || cap.resources.includes('*');

export function checkShell(caps: readonly Capability[], command: string, ast: ShellAst | { error: string }, resolved: Readonly<Record<string, Resolution>>): ShellDecision {
  const shellCaps = caps.filter((c) => c.kind === 'shell' && c.actions.includes('execute'));
  let limits = DEFAULT_LIMITS;
  const refuse = (reason: string): ShellDecision => ({ allowed: false, reason, limits });
  if (!shellCaps.length) return refuse('no capability grants shell execute');
  if (!command.trim()) return refuse('empty command');
  if (command.length > MAX_COMMAND) return refuse(`the command is over ${MAX_COMMAND} characters`);
  const bad = badCharacter(command);
  if (bad) return refuse(`${bad} in the command`);
  if (/\\\r?\n/.test(command)) return refuse('a backslash-newline line continuation');
  if ('error' in ast) return refuse(`not valid shell syntax: ${ast.error}`);
  if (!ast.calls.length) return refuse(ast.constructs.map(constructFeature).find((f) => f)?.what ?? 'no command to run');

  const features: Feature[] = [];
  for (const c of ast.constructs) {
    const f = constructFeature(c);
    if (f) features.push(f);
  }
  for (const w of ast.words) wordFeatures(w, features);
  const never = features.find((f) => f.feature === 'never');
  if (never) return refuse(`${never.what} is never allowed`);

  // A feature no capability grants at all is the most useful thing to say about a command.
  const nowhere = features.find((f) => !shellCaps.some((c) => (c.constraints.syntax ?? []).includes(f.feature)));
  if (nowhere) return refuse(`${nowhere.what} is shell syntax "${nowhere.feature}", which no capability grants`);

  // Every command's name: a plain word, written as is.
  const programs: string[] = [];
  const argvs: (string | undefined)[][] = [];
  for (const call of ast.calls) {
    const nameWord = call[0]!;
    const name = literal(nameWord);
    const inName: Feature[] = [];
    wordFeatures(nameWord, inName);
    if (inName.length) return refuse(`the program name ${JSON.stringify(nameWord.text)} must be a plain word, not ${inName[0]!.what}`);
    if (name === undefined || name !== nameWord.text) return refuse(`the program name ${JSON.stringify(nameWord.text)} must be a plain word, not quoted or expanded`);
    if (name.includes('/')) return refuse(`program "${name}" is a path; programs are granted by name and found in ${SAFE_PATH}`);
    if (/[^\x21-\x7e]/.test(name)) return refuse(`program name "${name}" has non-ASCII (look-alike) characters`);
    if (!PLAIN_NAME.test(name)) return refuse(`program "${name}" is not a plain program name`);
    programs.push(name);
    argvs.push(call.slice(1).map(literal));
  }

  const needed = [...new Set(features.map((f) => f.feature as SyntaxFeature))];
  const viaShell = needed.length > 0;
  let firstRefusal: string | undefined;
  for (const cap of shellCaps) {
    if (!programs.every((p) => grantsProgram(cap, p))) continue;
    const l = shellLimits(cap);
    const why = ((): string | undefined => {
      if ('error' in l) return `capability "${cap.text}": ${l.error}`;
      limits = l;
      const granted = cap.constraints.syntax ?? [];
      const missing = features.find((f) => !granted.includes(f.feature));
      if (missing) return `${missing.what} is shell syntax "${missing.feature}", not granted by "${cap.text}"${granted.length ? ` (syntax: ${granted.join(', ')})` : ''}`;
      for (const [k, p] of programs.entries()) {
        const r = programRule(p, argvs[k]!, cap);
        if (r) return r;
      }
      return undefined;
    })();
    if (why) {
      firstRefusal ??= why;
      continue;
    }
    for (const p of programs) {
      const r = resolved[p];
      if (!r) return refuse(`program "${p}" was not looked up`);
      if ('refused' in r) return refuse(r.refused);
    }
    const first = argvs[0]!;
    const gitWrites = programs[0] === 'git' && !viaShell && ['fetch', 'push'].includes(first.find((a) => a !== undefined && !a.startsWith('-')) ?? '');
    return {
      allowed: true,
      reason: `granted by "${cap.text}"`,
      argv: viaShell ? ['/bin/sh', '-c', command] : [(resolved[programs[0]!] as { path: string }).path, ...(first as string[])],
      viaShell,
      program: programs[0],
      programs: [...new Set(programs)],
      ...(gitWrites ? { gitWrites } : {}),
      limits,
    };
  }
  if (firstRefusal) return refuse(firstRefusal);
  const missing = programs.find((p) => !shellCaps.some((c) => grantsProgram(c, p)))!;
  if (missing) return refuse(`no capability grants shell program "${missing}"`);
  return refuse(`no single capability grants all of ${[...new Set(programs)].join(', ')}`);
}
