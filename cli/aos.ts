#!/usr/bin/env node
// The entry point: parse, dispatch, the one catch, the exit codes. Each command's module is imported
// only when that command is chosen, and yargs only when a command line needs its help or its errors,
// so cron's frequent runs stay cheap (yargs alone costs more than node's own startup).
import { UserError, UsageError, ValidationError, describeFsFailure } from './errors.js';
import { fastParse } from './fastargs.js';
import { dispatch } from './dispatch.js';

declare const AOS_VERSION: string | undefined;
export const VERSION = typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev';

async function main(): Promise<void> {
  // `aos log | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const argv = process.argv.slice(2);
  try {
    if (argv.length === 1 && argv[0] === '--version') return void process.stdout.write(VERSION + '\n');
    const fast = fastParse(argv);
    if (fast) await dispatch(fast.spec, fast.args);
    else await (await import('./yargs.js')).parseWithYargs(argv, VERSION);
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
    } else if (describeFsFailure(err)) {
      process.stderr.write(`aos: ${describeFsFailure(err)}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`aos: internal error\n${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}

// Not awaited at the top level: the build folds the cron paths' chunks into this file, and the
// chunks a command loads later import them back from here (scripts/build.mjs), which would wait
// forever on a module still evaluating. main() catches every error itself.
void main();
