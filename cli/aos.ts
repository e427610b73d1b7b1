#!/usr/bin/env node
// The entry point: the command table, the one catch, the exit codes. Each command's module is
// imported only when that command is chosen, so cron's frequent no-op runs stay cheap.
import yargs, { type Argv, type ArgumentsCamelCase } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, UsageError, ValidationError } from './errors.js';
import { makeOutput } from './output.js';
import type { Env } from './env.js';

declare const AOS_VERSION: string | undefined;
const version = typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev';

function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'aos') return dir;
  }
  throw new Error('aos: cannot find its own package.json above ' + import.meta.url);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export type Args = ArgumentsCamelCase<{ home?: string; json?: boolean; [k: string]: unknown }>;
type Handler = (args: Args, env: Env) => Promise<number | void>;
type Module = Record<string, Handler>;

function makeEnv(args: Args): Env {
  return {
    cwd: process.cwd(),
    homeFlag: args.home,
    vars: process.env,
    now: () => new Date(),
    randomBytes: (n) => randomBytes(n),
    hostname: hostname(),
    pid: process.pid,
    packageRoot: packageRoot(),
    isTTY: Boolean(process.stdout.isTTY),
    readStdin,
    out: makeOutput(Boolean(args.json), process.stdout, process.stderr),
  };
}

function run(load: () => Promise<unknown>, name: string) {
  return async (args: Args) => {
    const mod = (await load()) as Module;
    const code = await mod[name]!(args, makeEnv(args));
    if (typeof code === 'number') process.exitCode = code;
  };
}

const inbox = () => import('./commands/inbox.js');
const agent = () => import('./commands/agent.js');

function table(y: Argv) {
  return y
    .scriptName('aos')
    .usage('aos <command>\n\nA personal agent operating system made of plain files.')
    .option('home', { type: 'string', describe: 'the home folder (default: $AOS_HOME, then the nearest aos.yaml)', global: true })
    .option('json', { type: 'boolean', describe: 'print data as JSON', global: true })
    .command(
      'init [dir]',
      'make a new home from the starter files',
      (c) =>
        c
          .positional('dir', { type: 'string', describe: 'folder for the new home (default: here)' })
          .option('owner', { type: 'string', describe: "the owner's name" })
          .option('timezone', { type: 'string', describe: 'IANA time zone, e.g. Europe/Lisbon (default: this machine\'s)' }),
      run(() => import('./commands/init.js'), 'init'),
    )
    .command('inbox', 'capture work and see what is pending', (c) =>
      c
        .command(
          'add [text..]',
          'add an item (the text, or stdin when none is given)',
          (a) =>
            a
              .positional('text', { type: 'string', array: true })
              .option('to', { type: 'string', describe: 'the agent that should handle it' })
              .option('priority', { choices: ['low', 'normal', 'high', 'urgent'] as const, default: 'normal' }),
          run(inbox, 'add'),
        )
        .command('list', 'pending items', (a) => a.option('all', { type: 'boolean', describe: 'include handled items' }), run(inbox, 'list'))
        .command('show <id>', 'one item in full', (a) => a.positional('id', { type: 'string', demandOption: true }), run(inbox, 'show'))
        .demandCommand(1, 'choose one: add, list or show'),
    )
    .command('agent', 'the roster', (c) =>
      c
        .command('list', 'every agent', {}, run(agent, 'list'))
        .command('show <id>', 'one agent in full', (a) => a.positional('id', { type: 'string', demandOption: true }), run(agent, 'show'))
        .command(
          'new <id>',
          'add an agent from a template',
          (a) =>
            a
              .positional('id', { type: 'string', demandOption: true })
              .option('role', { type: 'string', describe: 'what it does, one line' })
              .option('handles', { type: 'string', array: true, describe: 'routing hints' }),
          run(agent, 'create'),
        )
        .command('pause <id>', 'stop giving it work', (a) => a.positional('id', { type: 'string', demandOption: true }), run(agent, 'pause'))
        .command('resume <id>', 'give it work again', (a) => a.positional('id', { type: 'string', demandOption: true }), run(agent, 'resume'))
        .demandCommand(1, 'choose one: list, show, new, pause or resume'),
    )
    .command(
      'log',
      "read the daily log (today's by default)",
      (c) =>
        c
          .option('since', { type: 'string', describe: 'from this day: YYYY-MM-DD, yesterday, or Nd (days ago)' })
          .option('agent', { type: 'string', describe: 'only entries by this agent' })
          .option('grep', { type: 'string', describe: 'only entries containing this text (case-insensitive)' }),
      run(() => import('./commands/log.js'), 'log'),
    )
    .command('status', 'one screen: agents, inbox, goals, last tick, lock', {}, run(() => import('./commands/status.js'), 'status'))
    .command('doctor', 'validate every file; exit 1 if anything needs fixing', {}, run(() => import('./commands/doctor.js'), 'doctor'))
    .demandCommand(1, 'choose a command (aos --help lists them)')
    .strict()
    .version(version)
    .help()
    .wrap(Math.min(100, y.terminalWidth()))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

async function main(): Promise<void> {
  // `aos log | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await table(yargs(hideBin(process.argv))).parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`aos: ${err.message}\n(aos --help lists the commands)\n`);
      process.exitCode = 2;
    } else if (err instanceof ValidationError) {
      process.stderr.write(`aos: ${err.problems.length} problem(s):\n${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof UserError) {
      process.stderr.write(`aos: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`aos: internal error\n${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}

await main();
