// Shell completion and the man page, generated from the command table (cli/table.ts) so they can
// never list a command or option the CLI does not have. Pure: the table's data in, script text out.

/** What completion and the man page need of the command table (cli/table.ts satisfies it). */
export interface CommandInfo {
  path: readonly string[];
  describe: string;
  positionals?: readonly { name: string; describe: string; required?: boolean; variadic?: boolean }[];
  options?: Readonly<Record<string, { type: 'string' | 'boolean'; describe: string; choices?: readonly string[]; array?: boolean; default?: string }>>;
}

export interface CommandTable {
  commands: readonly CommandInfo[];
  groups: readonly { name: string; describe: string }[];
  globals: CommandInfo['options'];
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The first words: top-level commands and group names, in table order. */
function topWords(t: CommandTable): string[] {
  const words: string[] = [];
  for (const c of t.commands) if (!words.includes(c.path[0]!)) words.push(c.path[0]!);
  return words;
}

const flags = (o: CommandInfo['options']): string[] => Object.keys(o ?? {}).map((k) => `--${k}`);
const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Options that take a value: the word after them is that value, not a command. */
function valueFlags(t: CommandTable): string[] {
  const all = [t.globals, ...t.commands.map((c) => c.options)].flatMap((o) => Object.entries(o ?? {}).filter(([, x]) => x.type === 'string').map(([k]) => `--${k}`));
  return [...new Set(all)];
}

function bash(t: CommandTable): string {
  const globals = flags(t.globals);
  const cases: string[] = [];
  for (const g of t.groups) {
    const subs = t.commands.filter((c) => c.path[0] === g.name).map((c) => c.path[1]);
    cases.push(`    ${g.name}) words=${shQuote(subs.join(' '))} ;;`);
  }
  const optCases: string[] = [];
  const choiceCases: string[] = [];
  for (const c of t.commands) {
    optCases.push(`    ${shQuote(c.path.join(' '))}) opts=${shQuote([...flags(c.options), ...globals].join(' '))} ;;`);
    for (const [k, o] of Object.entries(c.options ?? {})) {
      if (o.choices) choiceCases.push(`    ${shQuote(`${c.path.join(' ')} --${k}`)}) COMPREPLY=($(compgen -W ${shQuote(o.choices.join(' '))} -- "$cur")); return 0 ;;`);
    }
  }
  return `# bash completion for aos, generated from its command table (aos completion bash).
# Load it: source <(aos completion bash), or save it in ~/.local/share/bash-completion/completions/aos
_aos() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" words="" opts="" i w
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  # The command path typed so far: the words before the cursor that are not options or their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case "\${COMP_WORDS[i-1]}" in ${valueFlags(t).join('|')}) continue ;; esac
    if [ -z "$cmd" ]; then cmd="$w"
    else case "$cmd" in ${t.groups.map((g) => g.name).join('|')}) cmd="$cmd $w" ;; esac
    fi
  done
  case "$cmd $prev" in
${choiceCases.join('\n')}
  esac
  case "$prev" in --home) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;; esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${optCases.join('\n')}
    *) opts=${shQuote(globals.join(' '))} ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return 0
  fi
  case "$cmd" in
    '') words=${shQuote([...topWords(t), '--help', '--version'].join(' '))} ;;
${cases.join('\n')}
    completion) words=${shQuote(COMPLETION_SHELLS.join(' '))} ;;
    *) return 0 ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -o default -F _aos aos
`;
}

function zsh(t: CommandTable): string {
  // zsh's own bash-completion layer runs the very same function, so the two shells cannot drift.
  return `#compdef aos
# zsh completion for aos, generated from its command table (aos completion zsh).
# Load it: source <(aos completion zsh) in ~/.zshrc (after compinit).
autoload -U +X bashcompinit && bashcompinit
${bash(t).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

const fishQuote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fish(t: CommandTable): string {
  const lines = ['# fish completion for aos, generated from its command table (aos completion fish).', '# Load it: aos completion fish > ~/.config/fish/completions/aos.fish', 'complete -c aos -f'];
  const top = topWords(t);
  const noCommand = `not __fish_seen_subcommand_from ${top.join(' ')}`;
  for (const word of top) {
    const group = t.groups.find((g) => g.name === word);
    const describe = group?.describe ?? t.commands.find((c) => c.path.length === 1 && c.path[0] === word)?.describe ?? '';
    lines.push(`complete -c aos -n ${fishQuote(noCommand)} -a ${word} -d ${fishQuote(describe)}`);
  }
  lines.push(`complete -c aos -n ${fishQuote('__fish_seen_subcommand_from completion')} -a ${fishQuote(COMPLETION_SHELLS.join(' '))}`);
  for (const g of t.groups) {
    const subs = t.commands.filter((c) => c.path[0] === g.name);
    const none = `__fish_seen_subcommand_from ${g.name}; and not __fish_seen_subcommand_from ${subs.map((c) => c.path[1]).join(' ')}`;
    for (const c of subs) lines.push(`complete -c aos -n ${fishQuote(none)} -a ${c.path[1]} -d ${fishQuote(c.describe)}`);
  }
  for (const c of t.commands) {
    const when = c.path.map((p) => `__fish_seen_subcommand_from ${p}`).join('; and ');
    for (const [k, o] of Object.entries(c.options ?? {})) {
      const values = o.choices ? ` -x -a ${fishQuote(o.choices.join(' '))}` : o.type === 'string' ? ' -r' : '';
      lines.push(`complete -c aos -n ${fishQuote(when)} -l ${k}${values} -d ${fishQuote(o.describe)}`);
    }
  }
  for (const [k, o] of Object.entries(t.globals ?? {})) lines.push(`complete -c aos -l ${k}${o.type === 'string' ? ' -r -F' : ''} -d ${fishQuote(o.describe)}`);
  return lines.join('\n') + '\n';
}

export function completionScript(shell: CompletionShell, table: CommandTable): string {
  return shell === 'bash' ? bash(table) : shell === 'zsh' ? zsh(table) : fish(table);
}
