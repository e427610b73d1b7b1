// The cheap path for well-formed command lines. Anything it is not sure about returns undefined,
// and yargs (from the same table) parses it instead, with its help and error messages.
import { parseArgs } from 'node:util';
import { COMMANDS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './table.js';

export interface Parsed {
  spec: CommandSpec;
  args: Record<string, unknown>;
}

const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options ?? {}));

export function fastParse(argv: readonly string[]): Parsed | undefined {
  let parsed;
  try {
    const config = Object.fromEntries(Object.entries(ALL_OPTIONS).map(([k, o]) => [k, { type: o.type }]));
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const words = parsed.positionals;
  const spec = COMMANDS.find((c) => c.path.every((p, i) => words[i] === p));
  if (!spec) return undefined;
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  const given = parsed.values as Record<string, unknown>;
  // Options of other commands, and array options (yargs reads "--x a b"), are yargs' to judge.
  if (Object.keys(given).some((k) => !options[k] || options[k]!.array)) return undefined;

  const args: Record<string, unknown> = { _: [...spec.path] };
  const rest = words.slice(spec.path.length);
  const positionals = spec.positionals ?? [];
  for (const [i, p] of positionals.entries()) {
    if (p.variadic) args[p.name] = rest.slice(i);
    else if (rest[i] === undefined && p.required) return undefined;
    else args[p.name] = rest[i];
  }
  if (!positionals.some((p) => p.variadic) && rest.length > positionals.length) return undefined;
  for (const [k, o] of Object.entries(options)) {
    const v = given[k] ?? o.default;
    if (o.choices && v !== undefined && !o.choices.includes(String(v))) return undefined;
    if (v !== undefined) args[k] = v;
  }
  return { spec, args };
}
