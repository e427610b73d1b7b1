// aos brief: the morning brief on stdout (cron mails it), in the daily log, and to notify.command.
import type { Args, Env } from '../env.js';
import { openHome } from '../home/home.js';
import { brief as writeBrief } from '../flows/brief.js';

export async function brief(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const r = await writeBrief(home, env, { printOnly: Boolean(args['print-only']) });
  await home.docs.save();
  if (r.fallback) env.out.warn(`the brief is the plain summary: ${r.fallback}`);
  if (r.notifyProblem) env.out.warn(r.notifyProblem);
  if (env.out.json) {
    env.out.data({ date: r.facts.date, text: r.text, writer: r.writer ?? null, fallback: r.fallback ?? null, facts: r.facts, suggestions: r.suggestions, log: r.log ?? null, commit: r.commit ?? null });
  } else env.out.write(r.text);
  return 0;
}
