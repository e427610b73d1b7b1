// `aos completion bash|zsh|fish`: the completion script, from the command table. Part of the entry
// (like yargs.ts) because it reads the table itself; the script text is made in core.
import { UsageError } from './errors.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from './core/cli/completion.js';
import { COMMANDS, GLOBAL_OPTIONS, GROUPS } from './table.js';
import type { Args, Env } from './env.js';

export const COMMAND_TABLE = { commands: COMMANDS, groups: GROUPS, globals: GLOBAL_OPTIONS };

export async function completion(args: Args, env: Env): Promise<void> {
  const shell = String(args.shell);
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`aos completion: unknown shell "${shell}"; choose one of ${COMPLETION_SHELLS.join(', ')}`);
  }
  env.out.line(completionScript(shell as CompletionShell, COMMAND_TABLE).replace(/\n$/, ''));
}
