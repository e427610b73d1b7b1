#!/usr/bin/env node
// The entry point: parse, dispatch, the one catch, the exit codes. Each command's module is imported
// only when that command is chosen, and yargs only when a command line needs its help or its errors,
// so cron's frequent runs stay cheap (yargs alone costs more than node's own startup).
import { UserError, UsageError, ValidationError, describeFsFailure } from './errors.js';
import { fastParse } from './fastargs.js';
import { stderr, stdout } from './output.js';
import { dispatch } from './dispatch.js';

declare const AOS_VERSION: string | undefined;
export const VERSION = typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev';

async function main(): Promise<void> {
  // stdout and stderr are written through output.ts's writers, which never make node's stream
  // objects on cron's quiet paths, and end quietly when a reader closes the pipe (`aos log | head`).
  const argv = process.argv.slice(2);
  try {
    if (argv.length === 1 && argv[0] === '--version') return void stdout(VERSION + '\n');
    const fast = fastParse(argv);
    if (fast) await dispatch(fast.spec, fast.args);
    else {
      // yargs prints help and errors to node's streams itself.
      stdout.stream();
      await (await import('./yargs.js')).parseWithYargs(argv, VERSION);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      stderr(`aos: ${err.message}\n(aos --help lists the commands)\n`);
      process.exitCode = 2;
    } else if (err instanceof ValidationError) {
      stderr(`aos: ${err.problems.length} problem(s):\n${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof UserError) {
      stderr(`aos: ${err.message}\n`);
      process.exitCode = 1;
    } else if (describeFsFailure(err)) {
      stderr(`aos: ${describeFsFailure(err)}\n`);
      process.exitCode = 1;
    } else {
      stderr(`aos: internal error\n${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}

// Not awaited at the top level: the build folds the cron paths' chunks into this file, and the
// chunks a command loads later import them back from here (scripts/build.mjs), which would wait
// forever on a module still evaluating. main() catches every error itself.
void main();
