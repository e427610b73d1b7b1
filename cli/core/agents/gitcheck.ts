// The rules for git inside a shell capability: which subcommands and flags are read-only, what a
// write may touch, and which remotes fetch and push may name. Pure, like the rest of shellcheck.ts
// (which calls checkGit for the program "git").
import type { Capability } from './capabilities.js';
/** Flags: "x" takes nothing, "x=" takes a value (inline with =, attached to a short flag, or the next word). */
type Spec = readonly string[];

const GIT_GLOBAL_OK = new Set(['--no-pager', '--no-optional-locks', '--literal-pathspecs', '--no-replace-objects']);

const GIT_DANGER: Record<string, string> = {
  '-c': 'sets configuration, which can run programs',
  '--config-env': 'sets configuration, which can run programs',
  '--exec-path': 'runs git programs from another folder',
  '-C': 'works in another folder',
  '--git-dir': 'points git at another repository',
  '--work-tree': 'points git at another working tree',
  '--namespace': 'changes the ref namespace',
  '--super-prefix': 'is internal',
  '-p': 'starts a pager',
  '--paginate': 'starts a pager',
  '--output': 'writes a file',
  '--ext-diff': 'runs an external diff program',
  '--textconv': 'runs textconv filter programs',
  '--filters': 'runs filter programs',
  '--upload-pack': 'runs a program',
  '--receive-pack': 'runs a program',
  '--exec': 'runs a program',
  '--open-files-in-pager': 'starts a pager program',
  '-O': 'starts a pager program',
  '--template': 'copies hooks from a folder',
  '--no-verify': "skips the owner's hooks",
  '--show-signature': 'runs gpg',
  '--no-index': 'reads files outside the repository',
  '--force': 'overwrites history',
  '-f': 'overwrites history',
  '--force-with-lease': 'overwrites history',
  '--mirror': 'overwrites every ref of the remote',
  '--delete': 'deletes remote refs',
  '--set-upstream': 'writes configuration',
  '--update-head-ok': 'lets fetch move the checked-out branch',
  '--all': 'reaches every remote, granted or not',
  '--multiple': 'reaches several remotes',
  '--contents': 'reads a file outside the repository',
};

const LOG_DIFF: Spec = [
  '--oneline', '--stat', '--stat=', '--shortstat', '--numstat', '--name-only', '--name-status', '--patch', '-p', '-u', '--no-patch', '-s',
  '--graph', '--decorate', '--decorate=', '--no-decorate', '--abbrev-commit', '--no-abbrev-commit', '--abbrev=', '--reverse', '--first-parent', '--no-merges',
  '--merges', '--follow', '--date=', '--since=', '--until=', '--after=', '--before=', '--author=', '--committer=', '--grep=', '-i', '--regexp-ignore-case',
  '--all-match', '--invert-grep', '-E', '-F', '--extended-regexp', '--fixed-strings', '-n=', '--max-count=', '--skip=', '--format=', '--pretty', '--pretty=',
  '--no-color', '--color=', '--word-diff', '--word-diff=', '--color-words', '--summary', '--dirstat', '--relative', '--relative=', '--diff-filter=', '-M', '--find-renames',
  '--no-renames', '--minimal', '--histogram', '--patience', '--raw', '--full-index', '-z', '-S=', '-G=', '--pickaxe-regex', '--no-ext-diff', '--no-textconv',
  '-w', '--ignore-all-space', '-b', '--ignore-space-change', '--ignore-blank-lines', '-U=', '--unified=', '--check', '--exit-code', '--quiet', '--full-history',
  '--simplify-by-decoration', '--boundary', '--left-right', '--cherry-pick', '--topo-order', '--date-order', '--author-date-order', '--no-walk', '--ancestry-path',
  '--numbered', '-e', '--count', '-1', '--', '--branches', '--tags', '--remotes', '--branches=', '--tags=', '--remotes=', '--source', '--use-mailmap', '--notes', '--no-notes',
];

const GIT_SUBS: Record<string, Spec> = {
  status: ['-s', '--short', '-b', '--branch', '--porcelain', '--porcelain=', '--long', '-u', '-uno', '-uall', '-unormal', '--untracked-files=', '--ignored', '--ignored=', '-z', '--no-renames', '--ahead-behind', '--no-ahead-behind', '--show-stash', '-v', '--verbose', '--'],
  log: LOG_DIFF,
  show: LOG_DIFF,
  diff: [...LOG_DIFF, '--cached', '--staged', '--merge-base'],
  shortlog: ['-s', '--summary', '-n', '--numbered', '-e', '--email', '--since=', '--until=', '--author=', '--no-merges', '--all', '--'],
  'rev-list': LOG_DIFF,
  blame: ['-L=', '-w', '-M', '-e', '-s', '-l', '-t', '-n', '--porcelain', '--line-porcelain', '--date=', '--root', '--show-email', '--show-name', '--show-number', '--'],
  'ls-files': ['-c', '-m', '-o', '-d', '-s', '-z', '-t', '--cached', '--modified', '--others', '--deleted', '--stage', '--exclude-standard', '--ignored', '-i', '--full-name', '--error-unmatch', '--directory', '--'],
  'ls-tree': ['-r', '-t', '-d', '-l', '-z', '--name-only', '--name-status', '--full-tree', '--full-name', '--long', '--abbrev', '--abbrev=', '--'],
  'rev-parse': ['--abbrev-ref', '--abbrev-ref=', '--short', '--short=', '--verify', '-q', '--quiet', '--show-toplevel', '--show-prefix', '--show-cdup', '--is-inside-work-tree', '--is-bare-repository', '--symbolic-full-name', '--symbolic', '--git-dir', '--absolute-git-dir', '--all', '--branches', '--tags', '--'],
  describe: ['--tags', '--all', '--always', '--long', '--abbrev=', '--contains', '--exact-match', '--first-parent', '--match=', '--exclude=', '--dirty'],
  'cat-file': ['-p', '-t', '-s', '-e'],
  'merge-base': ['--is-ancestor', '--all', '--fork-point', '--octopus'],
  'name-rev': ['--name-only', '--tags', '--always'],
  grep: ['-n', '--line-number', '-i', '--ignore-case', '-w', '--word-regexp', '-v', '--invert-match', '-e=', '-l', '--files-with-matches', '-L', '-c', '--count', '-F', '-E', '-G', '-P', '--cached', '-I', '-h', '-H', '--heading', '--break', '-q', '--quiet', '--max-depth=', '-A=', '-B=', '-C=', '--and', '--or', '--not', '--all-match', '--'],
  // Lists only: any name given must come with --list (a pattern) or as the value of a filter flag.
  branch: ['-a', '--all', '-r', '--remotes', '-v', '-vv', '--verbose', '-l', '--list', '--show-current', '--merged', '--merged=', '--no-merged', '--no-merged=', '--contains', '--contains=', '--no-contains=', '--points-at=', '--format=', '--sort=', '--column', '--no-column'],
  tag: ['-l', '--list', '-n', '-n=', '--sort=', '--contains=', '--no-contains=', '--points-at=', '--merged=', '--no-merged=', '--format=', '--column', '--no-column'],
  remote: ['-v', '--verbose'],
  reflog: ['show', '-n=', '--max-count=', '--date=', '--oneline'],
  version: [],
  fetch: ['--prune', '-p', '--tags', '-t', '--no-tags', '--dry-run', '-q', '--quiet', '-v', '--verbose', '--depth=', '--deepen=', '--shallow-since=', '--unshallow', '--prune-tags', '--force-progress', '--no-progress', '--progress'],
  push: ['--tags', '--dry-run', '-n', '-q', '--quiet', '-v', '--verbose', '--porcelain', '--atomic', '--follow-tags', '--no-progress', '--progress'],
};

/** Subcommands aos refuses with a reason of their own (anything else unlisted is refused generally). */
const GIT_REFUSED: Record<string, string> = {
  add: 'aos commits a run\'s changes itself; agents do not stage',
  commit: 'aos commits a run\'s changes itself, with the run\'s record',
  pull: 'pull merges into the home\'s files; use fetch',
  config: 'configuration can run programs',
  clone: 'clones bring in hooks and configuration from elsewhere',
  submodule: 'submodules fetch and run code from elsewhere',
  difftool: 'runs an external program',
  mergetool: 'runs an external program',
  'filter-branch': 'runs commands and rewrites history',
  archive: 'writes files and can reach remotes',
  'format-patch': 'writes files',
  help: 'opens a pager or a browser',
};

/** Checks one git command line (arguments after "git"). */
export function checkGit(args: string[], cap: Capability): string | undefined {
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    const flag = args[i]!.split('=')[0]!;
    if (!GIT_GLOBAL_OK.has(args[i]!)) return `git ${flag} ${GIT_DANGER[flag] ?? 'is not an allowed option before the subcommand'}`;
  }
  const sub = args[i];
  if (sub === undefined) return 'git needs a subcommand';
  if (GIT_REFUSED[sub]) return `git ${sub}: ${GIT_REFUSED[sub]}`;
  const spec = GIT_SUBS[sub];
  if (!spec) return `git ${sub} is not an allowed git subcommand (aliases and other subcommands are refused)`;
  const subs = cap.constraints.subcommands;
  if (subs && !subs.includes(sub)) return `git ${sub}: subcommand not granted (subcommands: ${subs.join(', ')})`;
  const rest = args.slice(i + 1);
  const positional: string[] = [];
  let list = false;
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j]!;
    if (a === '--' && spec.includes('--')) {
      positional.push(...rest.slice(j + 1).map(() => '\0path'));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    if (a === '--end-of-options' || a === '--') return `git ${sub}: ${a} is not allowed here`;
    const name = a.split('=')[0]!;
    const danger = GIT_DANGER[name];
    if (/^-\d+$/.test(a) && spec.includes('-n=')) continue;
    if (a.startsWith('--')) {
      if (a.includes('=')) {
        if (!spec.includes(`${name}=`)) return `git ${sub}: ${name} ${danger ?? 'is not on the allow list'}`;
      } else if (spec.includes(a)) {
        if (a === '--list') list = true;
      } else if (spec.includes(`${a}=`)) {
        j++;
        if (rest[j]?.startsWith('-')) return `git ${sub}: the value of ${a} looks like an option ("${rest[j]}"); write ${a}=<value>`;
      } else return `git ${sub}: ${a} ${danger ?? 'is not on the allow list'}`;
      continue;
    }
    // Short flags: exactly listed, "-n5" / "-n 5" for value flags, or a bundle of listed boolean flags.
    if (spec.includes(a)) {
      if (a === '-l') list = true;
      continue;
    }
    const short = a.slice(0, 2);
    if (spec.includes(`${short}=`)) {
      if (a.length === 2) {
        j++;
        if (rest[j]?.startsWith('-') && !/^-\d+$/.test(rest[j]!)) return `git ${sub}: the value of ${a} looks like an option ("${rest[j]}")`;
      }
      continue;
    }
    if (a.length > 2 && [...a.slice(1)].every((ch) => spec.includes(`-${ch}`))) continue;
    return `git ${sub}: ${short} ${GIT_DANGER[short] ?? GIT_DANGER[a] ?? 'is not on the allow list'}`;
  }
  if (sub === 'branch' || sub === 'tag') {
    if (positional.length && !list) return `git ${sub} may only list (names are allowed with --list)`;
  }
  if (sub === 'remote') {
    if (positional.length && !(positional[0] === 'get-url' && positional.length === 2)) return 'git remote may only list remotes (-v) or show one with get-url';
  }
  if (sub === 'reflog' && positional.some((p) => p !== 'show' && /^(expire|delete|drop)$/.test(p))) return 'git reflog may only show';
  if (sub === 'fetch' || sub === 'push') return checkRemote(sub, positional, cap);
  return undefined;
}

function checkRemote(sub: string, positional: string[], cap: Capability): string | undefined {
  const remotes = cap.constraints.remotes ?? [];
  const [remote, ...refs] = positional;
  if (remote === undefined) return `git ${sub} must name the remote (granted: ${remotes.join(', ') || 'none'})`;
  if (/^(ext|fd)::/i.test(remote) || remote.includes('::')) return `git ${sub} ${remote}: ext:: and fd:: transports run commands`;
  if (remote.includes('://') || /^[^/]*@[^/]*:/.test(remote) || /^[^/]+:/.test(remote) || /^[./~]/.test(remote)) return `git ${sub}: "${remote}" is a URL or a path; only granted remotes, by name (granted: ${remotes.join(', ') || 'none'})`;
  if (!remotes.includes(remote)) return remotes.length ? `git ${sub}: remote "${remote}" is not granted (remotes: ${remotes.join(', ')})` : `git ${sub}: no remotes granted (add remotes:<name> to the capability)`;
  for (const r of refs) {
    const ok = sub === 'push' ? /^[A-Za-z0-9._/-]+(:[A-Za-z0-9._/-]+)?$/.test(r) : /^[A-Za-z0-9._/-]+$/.test(r);
    if (!ok || r.startsWith('-') || r.split(/[:/]/).some((s) => s === '..')) return `git ${sub}: refspec "${r}" is not a plain branch name${sub === 'push' ? ' (or src:dst)' : ''}; forced (+) and deleting (:x) refspecs are refused`;
  }
  return undefined;
}
