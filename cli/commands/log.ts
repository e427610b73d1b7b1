import type { Args, Env } from '../env.js';
import { UsageError } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { parseSince } from '../core/docs/listopts.js';
import { SEP, escapeBody } from '../core/docs/logfmt.js';
import { openHome } from '../home/home.js';
import { readLog } from '../home/log.js';

export async function log(args: Args, env: Env): Promise<void> {
  const { root, config } = await openHome(env);
  const today = localTime(env.now(), config.owner.timezone).date;
  const since = parseSince(args.since, today) ?? today;
  if (since > today) throw new UsageError(`--since ${since}: expected a day not after today (${today})`);
  const agent = args.agent as string | undefined;
  const needle = (args.grep as string | undefined)?.toLowerCase();
  const entries = (await readLog(root, since, today)).filter(
    (e) =>
      (!agent || e.agent === agent) &&
      (!needle || [e.kind, e.agent, e.ref ?? '', e.body].join('\n').toLowerCase().includes(needle)),
  );
  if (env.out.json) return env.out.data({ since, until: today, entries });
  if (!entries.length) return env.out.line(`No log entries${since === today ? ' today' : ` since ${since}`}.`);
  let day = '';
  for (const e of entries) {
    if (e.date !== day) env.out.line(`${day ? '\n' : ''}# ${(day = e.date)}`);
    env.out.line(`\n## ${[e.time, e.kind, e.agent, e.ref].filter(Boolean).join(SEP)}`);
    // Printed as the file holds it, so a body cannot pass for an entry here either (--json has it exact).
    if (e.body) env.out.line(escapeBody(e.body));
  }
}
