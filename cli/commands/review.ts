// aos review: the weekly self-review (cron or a systemd timer runs it on Sunday evening).
import type { Args, Env } from '../env.js';
import { openHome } from '../home/home.js';
import { review as writeReview } from '../flows/review.js';

export async function review(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const r = await writeReview(home, env, { week: args.week === undefined ? undefined : String(args.week), printOnly: Boolean(args['print-only']) });
  await home.docs.save();
  if (r.fallback) env.out.warn(`the review holds the facts only: ${r.fallback}`);
  for (const p of r.problems) env.out.warn(`skipped ${p}`);
  if (env.out.json) {
    env.out.data({ week: r.facts.week, from: r.facts.from, to: r.facts.to, file: r.file ?? null, writer: r.writer ?? null, fallback: r.fallback ?? null, facts: r.facts, review: r.review ?? null, proposals: r.proposals, commit: r.commit ?? null });
  } else env.out.write(r.text);
  return 0;
}
