// The owner's notify command from aos.yaml (notify-send, ntfy, mail …): run without a shell, the
// message as its last argument, briefly. A failure is reported, never fatal: the log has it all.
import type { Config } from '../core/docs/schemas.js';
import type { Vars } from '../env.js';
import type { Problem } from '../errors.js';

const NOTIFY_TIMEOUT_MS = 10_000;
// Loaded when a notification is sent: every tick imports this module, few notify (see git/run.ts).

/** Undefined when it worked (or there is no command); else why it did not. */
export function notify(config: Config, vars: Vars, text: string): Promise<string | undefined> {
  const argv = config.notify.command;
  if (!argv?.length) return Promise.resolve(undefined);
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR']) if (vars[k]) env[k] = vars[k]!;
  return new Promise((resolve) => {
    process.getBuiltinModule('node:child_process').execFile(argv[0]!, [...argv.slice(1), text.slice(0, 2000)], { env, timeout: NOTIFY_TIMEOUT_MS }, (err, _out, stderr) => {
      resolve(err ? `notify command ${argv[0]} failed: ${String(stderr).trim() || err.message}` : undefined);
    });
  });
}

/**
 * Why the notify command cannot run here, or undefined: its program is looked up on PATH (or
 * checked, when given as a path) the way execFile would, so doctor says it before a tick fails.
 */
export async function notifyProgramProblem(config: Config, vars: Vars): Promise<Problem | undefined> {
  const program = config.notify.command?.[0];
  if (!program) return undefined;
  const { access } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const { join, isAbsolute } = await import('node:path');
  const candidates = program.includes('/') ? [isAbsolute(program) ? program : undefined] : (vars.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, program));
  for (const c of candidates) {
    if (c && (await access(c, constants.X_OK).then(() => true, () => false))) return undefined;
  }
  return {
    file: 'aos.yaml',
    field: 'notify.command',
    expected: 'a program that exists on this machine',
    found: program.includes('/') ? `no executable ${program}` : `no program "${program}" on PATH`,
    hint: 'install it, give another program, or delete the notify section (cron\'s mail still tells you)',
  };
}
