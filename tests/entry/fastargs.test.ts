// The fast argument parser against yargs, both built from cli/table.ts: for every command line in
// the table below (and one made from each command's spec with every option given), the fast path
// either declines or gives the same command and the same arguments yargs would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fastParse } from '../../cli/fastargs.js';
import { parseWithYargs } from '../../cli/yargs.js';
import { COMMANDS, GLOBAL_OPTIONS, type CommandSpec } from '../../cli/table.js';
import { UsageError } from '../../cli/errors.js';

interface YargsParse {
  spec?: CommandSpec;
  args?: Record<string, unknown>;
  error?: string;
}

async function yargsParse(argv: string[]): Promise<YargsParse> {
  let got: YargsParse = {};
  try {
    await parseWithYargs([...argv], 'test', async (spec, args) => void (got = { spec, args: { ...args } }));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    got = { error: err.message };
  }
  return got;
}

/** The names the table gives a command's arguments: what both parsers must agree on. */
function namesOf(spec: CommandSpec): string[] {
  return ['_', ...Object.keys(GLOBAL_OPTIONS), ...Object.keys(spec.options ?? {}), ...(spec.positionals ?? []).map((p) => p.name)];
}

/** Where fast and yargs differ on a line the fast path accepted, in words; empty when they agree. */
async function differences(argv: string[]): Promise<string[]> {
  const fast = fastParse(argv);
  if (!fast) return [];
  const y = await yargsParse(argv);
  const line = argv.join(' ');
  if (!y.spec) return [`${line}: fast parsed it as ${fast.spec.path.join(' ')}, yargs refused it (${y.error})`];
  if (y.spec !== fast.spec) return [`${line}: fast chose ${fast.spec.path.join(' ')}, yargs ${y.spec.path.join(' ')}`];
  const out: string[] = [];
  for (const name of namesOf(fast.spec)) {
    const [f, g] = [fast.args[name], y.args![name]];
    if (f === undefined && g === undefined) continue;
    if (JSON.stringify(f) !== JSON.stringify(g)) out.push(`${line}: ${name} is ${JSON.stringify(f)} (fast) but ${JSON.stringify(g)} (yargs)`);
  }
  return out;
}

/** One command line per command: its required positionals, then every option it takes, given. */
function fullLine(spec: CommandSpec): string[] {
  const line = [...spec.path];
  for (const p of spec.positionals ?? []) if (p.required || p.variadic) line.push(p.variadic ? 'two words' : `the-${p.name}`);
  for (const [name, o] of Object.entries(spec.options ?? {})) {
    if (o.array) continue; // "--x a b": the fast path declines arrays, yargs reads them
    if (o.type === 'boolean') line.push(`--${name}`);
    else line.push(`--${name}`, o.choices ? o.choices[o.choices.length - 1]! : `v-${name}`);
  }
  return [...line, '--json', '--home', '/h'];
}

const LINES: string[][] = [
  ['status'],
  ['status', '--json'],
  ['--home', '/h', 'status'],
  ['--home=/h', 'doctor'],
  ['inbox', 'add', 'book', 'flights', '--to', 'researcher', '--json'],
  ['inbox', 'add', 'one'],
  ['inbox', 'list', '--all'],
  ['inbox', 'show', '20261121T100000-abc'],
  ['agent', 'show', 'coder'],
  ['agent', 'pause', 'coder', '--home', '/h'],
  ['can', 'coder', 'shell', 'ls -la'],
  ['can', 'coder', 'file-write', 'notes/x.md', '--json'],
  ['memory', 'search', 'green', 'tea'],
  ['memory', 'show'],
  ['memory', 'show', 'prefers-trains'],
  ['goal', 'show', 'run-5k'],
  ['goal', 'list', '--json'],
  ['tick', '--json'],
  ['sync'],
  ['init', '/tmp/x', '--owner', 'Tess', '--timezone', 'UTC'],
  ['init'],
  ['log'],
  ['runs'],
  ['brief'],
  ['dream'],
  ['mcp'],
  ['approve'],
  ['agent', 'list'],
  ['memory', 'lint'],
  ['goal', 'due'],
  ...COMMANDS.map(fullLine),
];

test('the table of command lines covers every command, and the fast path takes most of them', () => {
  for (const spec of COMMANDS) assert.ok(LINES.some((l) => spec.path.every((p, i) => l[i] === p)), `no line for ${spec.path.join(' ')}`);
  const taken = LINES.filter((l) => fastParse(l)).length;
  assert.ok(taken >= LINES.length * 0.8, `the fast path took only ${taken} of ${LINES.length}`);
});

test('parity: where the fast path parses a line, yargs gives the same command and arguments', async () => {
  const wrong: string[] = [];
  for (const line of LINES) wrong.push(...(await differences(line)));
  assert.is(wrong.length, 0, wrong.join('\n'));
});

// [line, why the fast path must leave it to yargs]
const DECLINED: [string[], string][] = [
  [[], 'no command: yargs asks for one'],
  [['--help'], 'help is yargs'],
  [['status', '--help'], 'help is yargs'],
  [['frobnicate'], 'an unknown command'],
  [['inbox'], 'a group without its command'],
  [['agent', 'show'], 'a missing required positional'],
  [['status', 'extra'], 'an extra positional'],
  [['status', '--since', 'x'], "another command's option"],
  [['status', '--frob'], 'an unknown option'],
  [['inbox', 'add', '--priority', 'now', 'x'], 'a value outside the choices'],
  [['agent', 'new', 'x', '--handles', 'a', 'b'], 'an array option'],
  [['status', '--no-json'], 'a negated flag'],
  [['status', '--json=maybe'], 'a value for a boolean'],
  [['inbox', 'add', 'x', '--to'], 'a string option without its value'],
];

for (const [line, why] of DECLINED) {
  test(`declined: "${line.join(' ')}" (${why})`, () => {
    assert.is(fastParse(line), undefined);
  });
}

// Lines the fast path declines but yargs accepts reach the same handlers, which read lists.
const YARGS_ONLY: [string[], Record<string, unknown>][] = [
  [['goal', 'new', 'Run', '5k', '--no-template'], { title: ['Run', '5k'], template: false }],
  [['memory', 'add', 'Green', 'tea', '--no-json'], { title: ['Green', 'tea'], type: 'fact' }],
  [['memory', 'search', 'green', 'tea', '--no-json'], { query: ['green', 'tea'] }],
  [['agent', 'new', 'x', '--no-json'], { id: 'x', handles: undefined }],
  [['agent', 'new', 'x', '--handles', 'a', 'b'], { id: 'x', handles: ['a', 'b'] }],
];

for (const [line, want] of YARGS_ONLY) {
  test(`yargs alone: "${line.join(' ')}"`, async () => {
    assert.is(fastParse(line), undefined, 'the fast path leaves it to yargs');
    const y = await yargsParse(line);
    assert.ok(y.args, y.error);
    for (const [k, v] of Object.entries(want)) assert.equal(y.args[k], v, k);
  });
}

test.run();
