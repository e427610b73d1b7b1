// yargs, built from the command table: help, usage errors and every command line the fast path
// declined. Loaded only then.
import yargs, { type Argv, type Options } from 'yargs';
import { UsageError } from './errors.js';
import { COMMANDS, GROUPS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './table.js';
import { dispatch } from './dispatch.js';
import type { Args } from './env.js';

function yargsOption(o: OptionSpec): Options {
  // An undefined default on an array option would read as [undefined]: only a real default is given.
  return { type: o.type, describe: o.describe, array: o.array, choices: o.choices as string[] | undefined, ...(o.default !== undefined ? { default: o.default } : {}) };
}

/** What a parsed command line goes to: the command itself, or (in the parity test) a recorder. */
export type OnCommand = (spec: CommandSpec, args: Args) => Promise<void>;

function addCommand(y: Argv, spec: CommandSpec, depth: number, run: OnCommand): Argv {
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}${p.variadic ? '..' : ''}>` : `[${p.name}${p.variadic ? '..' : ''}]`));
  return y.command(
    [spec.path[depth], ...positionals].join(' '),
    spec.describe,
    (c) => {
      for (const p of spec.positionals ?? []) c.positional(p.name, { type: 'string', describe: p.describe, array: p.variadic });
      for (const [name, o] of Object.entries(spec.options ?? {})) c.option(name, yargsOption(o));
      return c;
    },
    (args) => run(spec, args as unknown as Args),
  );
}

export async function parseWithYargs(argv: string[], version: string, run: OnCommand = dispatch): Promise<void> {
  let y = yargs(argv).scriptName('aos').usage('aos <command>\n\nA personal agent operating system made of plain files.');
  for (const [name, o] of Object.entries(GLOBAL_OPTIONS)) y = y.option(name, { ...yargsOption(o), global: true });
  for (const spec of COMMANDS.filter((c) => c.path.length === 1)) y = addCommand(y, spec, 0, run);
  for (const group of GROUPS) {
    const children = COMMANDS.filter((c) => c.path.length === 2 && c.path[0] === group.name);
    y = y.command(group.name, group.describe, (g) => {
      for (const spec of children) g = addCommand(g, spec, 1, run);
      return g.demandCommand(1, `choose one: ${children.map((c) => c.path[1]).join(', ')}`);
    });
  }
  await y
    .demandCommand(1, 'choose a command (aos --help lists them)')
    .strict()
    .version(version)
    .help()
    .wrap(Math.min(100, y.terminalWidth()))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .parseAsync();
}
