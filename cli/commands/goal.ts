// aos goal new/list/show/log/due: goals, the gap tracker, what is due today.
import type { Args, Env } from '../env.js';
import { UsageError, formatProblem } from '../errors.js';
import { bar, gap, paceText, summarize } from '../core/goals/goals.js';
import { cadenceProblems, rankDue } from '../core/goals/goaldue.js';
import { localTime } from '../core/docs/time.js';
import { openHome, type Home } from '../home/home.js';
import { findGoal, readGoals } from '../home/goals.js';
import { loadAgents } from '../home/store.js';
import { LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';

function pct(x: number | null): string {
  return x === null ? '-' : `${Math.round(x * 100)}%`;
}

export async function create(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const { newGoal } = await import('../flows/goalnew.js');
  const r = await newGoal(home, env, {
    title: ((args.title as string[] | undefined) ?? []).join(' '),
    owner: args.owner as string | undefined,
    deadline: args.deadline as string | undefined,
    slug: args.slug as string | undefined,
    template: Boolean(args.template),
  });
  await home.docs.save();
  if (env.out.json) return env.out.data({ ...r, commit: r.commit ?? null });
  env.out.line(
    r.researched
      ? `Added ${r.file}: ${r.skills} skill(s) researched by ${r.owner}. Read the plan and research notes, adjust the numbers, then: aos goal show ${r.goal}`
      : `Added ${r.file} from the template (status: paused). Fill in the metric and skills, then set status: active.`,
  );
  if (!r.commit) env.out.warn(`(${LEFT_FOR_TICK})`);
}

/** Today's date, or --date, and an instant at the end of that day (for cron cadences). */
function day(home: Home, env: Env, wanted?: string): { today: string; now: Date } {
  const tz = home.config.owner.timezone;
  const now = env.now();
  if (!wanted) return { today: localTime(now, tz).date, now };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(wanted) || Number.isNaN(Date.parse(`${wanted}T00:00:00Z`))) throw new UsageError(`--date: expected a date like 2026-11-21, found ${JSON.stringify(wanted)}`);
  return { today: wanted, now: new Date(Date.parse(`${wanted}T23:59:59${localTime(now, tz).offset}`)) };
}

export async function list(_args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const [{ goals, problems }, { agents }] = await Promise.all([readGoals(home), loadAgents(home.root, home.docs)]);
  await home.docs.save();
  const { today } = day(home, env);
  const rows = goals.map((g) => summarize(g.name, g.front, g.start, today));
  if (env.out.json) return env.out.data({ goals: rows, problems });
  for (const p of problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!rows.length) return env.out.line('No goals yet: aos goal new "what you want to reach"');
  const lines = rows.map((g) => ['  ' + g.goal, g.status, g.progress === null ? '-' : `${bar(g.progress, 10)} gap ${pct(g.gap)}`, g.deadline ?? '', paceText(g.pace)]);
  env.out.line(table([['GOAL', 'STATUS', 'PROGRESS', 'DEADLINE', 'PACE'], ...lines]));
  const ids = new Set(agents.filter((a) => a.front.status === 'active').map((a) => a.id));
  for (const g of goals.filter((x) => x.front.status === 'active' && !ids.has(x.front.owner))) {
    env.out.warn(`${g.file}: its owner ${g.front.owner} is not an active agent, so no drills are filed for it`);
  }
}

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const goal = await findGoal(home, String(args.goal));
  await home.docs.save();
  const { today, now } = day(home, env);
  const summary = summarize(goal.name, goal.front, goal.start, today);
  const due = new Map(rankDue([goal], today, now, home.config.owner.timezone).map((d) => [d.skill, d]));
  const skills = goal.front.skills.map((s) => ({ ...s, gap: gap(s), due: due.get(s.id) ?? null }));
  if (env.out.json) return env.out.data({ ...summary, file: goal.file, metric: goal.front.metric ?? null, skills, history: goal.history });

  const o = env.out;
  o.line(`${goal.front.title}  (${goal.file})`);
  o.line(`${goal.front.status}, owner ${goal.front.owner}${goal.front.deadline ? `, deadline ${goal.front.deadline}` : ''}${summary.pace ? ` — ${paceText(summary.pace)}` : ''}`);
  const m = goal.front.metric;
  if (m) o.line(`Metric: ${m.name} ${m.current}${m.unit ? ' ' + m.unit : ''} (baseline ${m.baseline}, target ${m.target})  ${bar(1 - gap(m))}`);
  if (summary.progress !== null) o.line(`Overall: ${bar(summary.progress)} ${pct(summary.progress)} of the way, weighted gap ${pct(summary.gap)}`);
  if (skills.length) {
    o.line('\nSkills');
    o.line(
      table(
        skills.map((s) => [
          '  ' + s.id,
          `w ${s.weight}`,
          bar(1 - s.gap),
          `${s.current} / ${s.target}`,
          s.cadence,
          s.last_practiced ? `last ${s.last_practiced}` : 'never practised',
          s.due ? 'DUE' : '',
        ]),
      ),
    );
  }
  const recent = goal.history.slice(-5);
  if (recent.length) {
    o.line('\nRecent');
    for (const h of recent) o.line(`  ${h.date} ${h.skill} ${h.value}${h.note ? ` — ${truncate(h.note, 70)}` : ''}`);
  }
}

export async function log(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const { logProgress } = await import('../flows/goallog.js');
  const r = await logProgress(
    home,
    env,
    { goal: String(args.goal), skill: String(args.skill), value: String(args.value), note: args.note as string | undefined },
    { who: home.owner, actor: 'owner' },
  );
  await home.docs.save();
  if (env.out.json) return env.out.data({ ...r, commit: r.commit ?? null });
  env.out.line(`${r.goal} · ${r.skill}: ${r.previous} → ${r.value} (${r.date}), added to ${r.file} and the log`);
  if (!r.commit) env.out.warn(`(${LEFT_FOR_TICK})`);
}

export async function due(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const read = await readGoals(home);
  const { goals } = read;
  const problems = [...read.problems, ...cadenceProblems(goals)];
  await home.docs.save();
  const { today, now } = day(home, env, args.date as string | undefined);
  const ranked = rankDue(goals, today, now, home.config.owner.timezone);
  if (env.out.json) return env.out.data({ date: today, due: ranked, problems });
  for (const p of problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!ranked.length) return env.out.line(`Nothing due on ${today}.`);
  env.out.line(`Due on ${today}, most useful first (weighted gap × how overdue):`);
  env.out.line(table(ranked.map((d) => ['  ' + d.score.toFixed(2), `${d.goal} · ${d.skill}`, d.reason])));
  env.out.line('');
  for (const d of ranked) env.out.line(`${d.goal} · ${d.skill}: ${truncate(d.drill.replace(/\s+/g, ' '), 160)}`);
}
