// Confinement, pure: which words of a shell command name paths (and whether the program reads or
// writes them), the verdict on each path once the IO edge has resolved it (symbolic links followed,
// "..", "-/../"), names no system may hold, the files only the owner's approval writes, and whether
// shell may run at all without a sandbox. The paths are judged by checkFile, the file tools' own check.
import { checkFile, type Capability } from './capabilities.js';
import { literal, type ShellAst, type ShWord } from './shellcheck.js';
import type { Problem } from '../../errors.js';

export type PathAction = 'read' | 'write';

/** A word the command uses as a path: `sure` ones are judged whatever the disk holds, the others only when they exist. */
export interface PathUse {
  program: string;
  word: string;
  action: PathAction;
  sure: boolean;
}

/** Programs whose arguments are text, never paths. */
const NO_PATHS = new Set(['echo', 'printf', 'date', 'printenv', 'env', 'true', 'false', 'yes', 'seq', 'expr', 'sleep', 'whoami', 'id', 'uname', 'hostname', 'pwd', 'basename', 'dirname', 'numfmt', 'factor']);
/** Programs whose first non-option argument is a pattern or script (unless -e/-f gave it). */
const PATTERN_FIRST = new Set(['grep', 'egrep', 'fgrep', 'rg', 'sed', 'awk', 'gawk', 'jq']);
/** Programs that write every path they are given. */
const WRITE_ALL = new Set(['touch', 'mkdir', 'rm', 'rmdir', 'tee', 'truncate', 'chmod', 'chown', 'chgrp', 'shred', 'unlink', 'mkfifo', 'mknod']);
/** Programs whose last path is written and the others read. */
const WRITE_LAST = new Set(['cp', 'mv', 'ln', 'install', 'rsync', 'scp', 'link']);
/** Options whose value a program writes (curl -o, sort -o, git --output, wget -O …). */
const WRITE_OPTIONS = new Set(['-o', '--output', '--output-file', '--output-document', '-O', '--log-file', '--target-directory', '-t']);
const VALUE_OPTIONS = new Set([...WRITE_OPTIONS, '-C', '--directory', '-f', '--file', '-T', '--files-from', '-d', '--git-dir', '--work-tree', '-e', '--regexp', '--expression', '-I', '--include']);

const isUrl = (w: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(w);
/** Looks like a path whatever the disk holds: a slash, "~", "." or "..". */
const pathLike = (w: string) => !isUrl(w) && (w.includes('/') || w.startsWith('~') || w === '.' || w === '..');
/** An option's value: judged when it reaches out of the working folder (absolute, "~" or ".."). */
const reachesOut = (w: string) => !isUrl(w) && (w.startsWith('/') || w.startsWith('~') || w.split('/').includes('..'));

/**
 * Every word of every command that names a path, with the action the program takes on it. Words the
 * shell would change (globs, expansions) count by their literal part up to the first such piece.
 */
export function pathUses(ast: ShellAst): PathUse[] {
  const out: PathUse[] = [];
  for (const call of ast.calls) {
    const program = call[0] ? literal(call[0]) : undefined;
    if (!program || NO_PATHS.has(program)) continue;
    const words = call.slice(1).map(wordText);
    const positional: { word: string; sure: boolean }[] = [];
    let afterDashes = false;
    let patternGiven = !PATTERN_FIRST.has(program);
    let sub = program !== 'git';
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '') continue;
      if (!afterDashes && w === '--') {
        afterDashes = true;
        continue;
      }
      if (!afterDashes && w.startsWith('-') && w !== '-') {
        const [name, value] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
        if (/^-(e|f)$|^--(regexp|expression|file)$/.test(name) && PATTERN_FIRST.has(program)) patternGiven = true;
        const action: PathAction = WRITE_OPTIONS.has(name) ? 'write' : 'read';
        if (value !== undefined) {
          if (WRITE_OPTIONS.has(name) || reachesOut(value) || VALUE_OPTIONS.has(name)) out.push({ program, word: value, action, sure: WRITE_OPTIONS.has(name) || pathLike(value) });
        } else if (VALUE_OPTIONS.has(name) && i + 1 < words.length) {
          const next = words[++i]!;
          if (/^-(e)$|^--(regexp|expression)$/.test(name)) continue; // a pattern, not a path
          out.push({ program, word: next, action, sure: WRITE_OPTIONS.has(name) || pathLike(next) });
        } else if (/^-[A-Za-z][~./]/.test(w)) {
          // A short option with its value attached: -o/etc/x, -C../..
          out.push({ program, word: w.slice(2), action: WRITE_OPTIONS.has(w.slice(0, 2)) ? 'write' : 'read', sure: true });
        }
        continue;
      }
      if (!sub) {
        sub = true; // git's subcommand
        continue;
      }
      if (!patternGiven) {
        patternGiven = true;
        continue;
      }
      // git's revisions (HEAD~1, origin/main) come before "--": judged when they exist or reach out.
      // After "--" every word is a path.
      const sure = afterDashes || (program === 'git' ? reachesOut(w) : pathLike(w));
      positional.push({ word: w, sure });
    }
    positional.forEach((p, k) => {
      const action: PathAction = WRITE_ALL.has(program) || (WRITE_LAST.has(program) && k === positional.length - 1 && positional.length > 1) ? 'write' : 'read';
      // What a command creates does not exist yet: a write is judged whatever the disk holds.
      out.push({ program, word: p.word, action, sure: p.sure || action === 'write' });
    });
  }
  for (const r of ast.redirects ?? []) {
    const w = wordText(r.word);
    if (!w || /^&?\d*-?$/.test(w) && r.op.includes('&')) continue; // 2>&1, >&-
    out.push({ program: 'the shell', word: w, action: r.op.startsWith('<') && r.op !== '<>' ? 'read' : 'write', sure: true });
  }
  return out;
}

/** A word's literal text, or its literal start up to the folder holding the first glob or expansion. */
function wordText(w: ShWord): string {
  const whole = literal(w);
  if (whole !== undefined && !/[*?[]/.test(whole)) return whole;
  let s = '';
  for (const p of w.parts) {
    if (p.type === 'Lit' || (p.type === 'SglQuoted' && !p.dollar)) {
      const v = p.value ?? '';
      const g = p.type === 'Lit' ? v.search(/[*?[]/) : -1;
      if (g >= 0) {
        s += v.slice(0, g);
        break;
      }
      s += v;
    } else break;
  }
  // "notes/*.md" reads notes; "$HOME/x" names nothing literal (its expansion is the sandbox's to contain).
  return s === whole ? s : s.includes('/') ? s.slice(0, s.lastIndexOf('/') + 1) || '/' : '';
}

/** Where the IO edge found a path: inside the home (relative, "/"-separated) or outside it (absolute, real). */
export type PathFact = { use: PathUse } & ({ inside: string; hardLinked?: boolean } | { outside: string } | { error: string });

/** Names no device of the owner's may hold: Windows device names, trailing dots or spaces, over 255 bytes. */
export function nameProblem(path: string): string | undefined {
  for (const seg of path.split('/')) {
    if (new TextEncoder().encode(seg).length > 255) return `a name longer than 255 bytes (${seg.slice(0, 24)}…)`;
    if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i.test(seg.replace(/[. ]+$/, ''))) return `"${seg}" is a reserved device name on Windows`;
    if (seg !== '.' && seg !== '..' && /[. ]$/.test(seg)) return `"${seg}" ends with a dot or a space (Windows drops them)`;
  }
  if (new TextEncoder().encode(path).length > 4096) return 'a path longer than 4096 bytes';
  return undefined;
}

/**
 * agents/, skills/ and aos.yaml, in any letter case: what an agent writes there changes what agents
 * may do (a skill's text reaches every agent's context once enabled; tools/skills.ts proposes one).
 */
export function ownerOnly(path: string): boolean {
  const first = path.replace(/^\.\//, '').split('/')[0]!.toLowerCase();
  return first === 'agents' || first === 'skills' || first === 'aos.yaml';
}

export const OWNER_ONLY = "agents/, skills/ and aos.yaml (in any letter case) change what agents may do: only the owner's approval writes them";

/** Devices any command may read or write: nothing behind them belongs to anyone. */
const DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom']);

/** The verdict on one path a command uses, or why it is refused. */
export function judgePath(caps: readonly Capability[], fact: PathFact, scratch?: string): string | undefined {
  const { word, action, program } = fact.use;
  const say = (why: string) => `${program} ${action === 'write' ? 'writes' : 'reads'} "${word}": ${why}`;
  if ('error' in fact) return say(fact.error);
  if ('outside' in fact) {
    if (DEVICES.has(fact.outside)) return undefined;
    const v = checkFile(caps, fact.outside, action);
    return v.allowed ? undefined : say(`${fact.outside} is outside the home (${v.reason})`);
  }
  const rel = fact.inside;
  const badName = nameProblem(rel);
  if (badName) return say(badName);
  if (scratch && (rel === scratch || rel.startsWith(`${scratch}/`))) return undefined;
  if (action === 'write' && ownerOnly(rel)) return say(OWNER_ONLY);
  if (rel === '.') {
    if (!caps.some((c) => c.kind === 'file' && c.actions.includes(action) && c.resources.includes('**'))) return say(`the whole home, and no capability grants file ${action} on **`);
  } else {
    const v = checkFile(caps, rel, action);
    if (!v.allowed) return say(v.reason);
  }
  return fact.hardLinked ? say(`${rel} is hard-linked elsewhere`) : undefined;
}

/** The file grants a command has: the agent's, and the folders its shell capability lets it write. */
function withWriteFolders(caps: readonly Capability[], write: readonly string[]): Capability[] {
  const folders = write.map((w) => (w === '.' ? '**' : `${w}/**`));
  return folders.length ? [...caps, { text: `write:${write.join(',')}`, kind: 'file', resources: folders, actions: ['read', 'write'], constraints: {} }] : [...caps];
}

/** The first refusal among a command's paths, or undefined when every one is granted. */
export function judgePaths(caps: readonly Capability[], facts: readonly PathFact[], write: readonly string[], scratch?: string): string | undefined {
  const granted = withWriteFolders(caps, write);
  for (const f of facts) {
    const why = judgePath(granted, f, scratch);
    if (why) return why;
  }
  return undefined;
}

// ---- the sandbox ----

/** What the IO edge found: bubblewrap (where), or none, and whether aos.yaml chose to run without one. */
export interface SandboxState {
  bwrap?: string;
  /** aos.yaml says `sandbox: none`. */
  chosenNone: boolean;
  platform: string;
}

export const INSTALL_SANDBOX = 'install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap, pacman -S bubblewrap), or write "sandbox: none" in aos.yaml to run shell commands unconfined';

/** Shell runs in bubblewrap, or unconfined only where the owner said so; otherwise it is refused. */
export function sandboxRefusal(s: SandboxState): string | undefined {
  if (s.bwrap || s.chosenNone) return undefined;
  const where = s.platform === 'darwin' ? 'macOS has no sandbox aos uses (sandbox-exec is not implemented)' : 'bubblewrap (bwrap) is not on PATH';
  return `shell is refused: ${where}, and aos.yaml does not say "sandbox: none" (see docs/recovery.md#no-sandbox): ${INSTALL_SANDBOX}`;
}

/** What doctor says about the sandbox: a problem (exit 1) while shell is refused for want of one, a note once the owner chose none. */
export function sandboxFinding(s: SandboxState, shellAgents: readonly string[]): { problem?: Problem; note?: string } {
  const whose = shellAgents.length ? `shell commands of ${shellAgents.join(', ')}` : 'shell commands';
  const macos = s.platform === 'darwin' ? 'this Mac is not sandboxed: aos has no macOS sandbox (sandbox-exec is not implemented); ' : '';
  if (s.bwrap) return {};
  if (s.chosenNone) return { note: `${macos}aos.yaml says "sandbox: none": ${whose} run unconfined (every check, but no read-only home, no network cut-off, no private /proc)` };
  if (!shellAgents.length) return { note: `${macos}no sandbox (bubblewrap) on PATH: shell commands would be refused; ${INSTALL_SANDBOX}` };
  return {
    problem: {
      file: 'aos.yaml',
      field: 'sandbox',
      expected: 'bubblewrap (bwrap) on PATH, or "sandbox: none" to run shell commands unconfined',
      found: `${macos}no sandbox, so ${whose} are refused`,
      hint: `${INSTALL_SANDBOX}; see docs/recovery.md#no-sandbox`,
    },
  };
}
