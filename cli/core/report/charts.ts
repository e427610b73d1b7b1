// The report's charts as plain data: the page script (page/page.js) turns each spec into a chart.js
// chart. Specs carry no functions, so they travel as JSON inside the page and tests can read them.
// Pure: spends, runs and goals in, specs out. Time axes are milliseconds since the epoch of the
// days and times the files hold (Date.parse of a written date: no clock is read).
import type { GoalFront } from '../docs/schemas.js';
import type { HistoryEntry } from '../goals/goals.js';
import { tokensOf } from './format.js';
import { keyOf, type Spend } from './usage.js';

export interface DatasetSpec {
  label: string;
  data: (number | null | { x: number; y: number })[];
  type?: 'bar' | 'line' | 'scatter';
  /** Bars of one stack add up; a budget line gets a stack of its own so it is drawn, not added. */
  stack?: string;
  dashed?: boolean;
  /** A color index into the page's palette (stable per agent/model/skill). */
  color: number;
}

export interface ChartSpec {
  id: string;
  title: string;
  type: 'bar' | 'line' | 'scatter';
  /** Category labels (days) for bar charts. */
  labels?: string[];
  datasets: DatasetSpec[];
  stacked?: boolean;
  /** The x axis is time in ms (ticks printed as dates). */
  timeX?: boolean;
  /** Names for the y axis's whole-number ticks (the runs timeline: one row per agent). */
  yNames?: string[];
  yTitle?: string;
}

/** Each day from `first` to `last` inclusive (YYYY-MM-DD, UTC arithmetic on the written dates). */
export function daysFrom(first: string, last: string, max = 120): string[] {
  const out: string[] = [];
  let t = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`);
  while (t <= end && out.length < max) {
    out.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

function paletteIndex(keys: readonly string[]): Map<string, number> {
  return new Map([...keys].sort().map((k, i) => [k, i]));
}

/**
 * Spend over time stacked by agent or model, in USD or tokens; with budgets (per agent per day)
 * drawn as dashed lines that are not stacked.
 */
export function spendChart(
  id: string,
  spends: readonly Spend[],
  days: readonly string[],
  by: 'agent' | 'model',
  unit: 'usd' | 'tokens',
  budgets: ReadonlyMap<string, number> = new Map(),
): ChartSpec {
  const keys = [...new Set(spends.map((s) => keyOf(s, by)))].sort();
  const colors = paletteIndex([...keys, ...budgets.keys()]);
  const index = new Map(days.map((d, i) => [d, i]));
  const datasets: DatasetSpec[] = keys.map((key) => {
    const data = days.map(() => 0);
    for (const s of spends) {
      if (keyOf(s, by) !== key) continue;
      const i = index.get(s.day);
      if (i === undefined) continue;
      data[i] = unit === 'usd' ? Math.round((data[i]! + (s.usd ?? 0)) * 1e6) / 1e6 : data[i]! + tokensOf(s.usage);
    }
    return { label: key, data, type: 'bar', stack: 'spend', color: colors.get(key)! };
  });
  for (const [agent, budget] of [...budgets].sort(([a], [b]) => a.localeCompare(b))) {
    datasets.push({ label: `${agent} budget`, data: days.map(() => budget), type: 'line', stack: `budget-${agent}`, dashed: true, color: colors.get(agent)! });
  }
  const what = unit === 'usd' ? 'USD' : 'tokens';
  return { id, title: `${what} per ${by} per day`, type: 'bar', labels: [...days], datasets, stacked: true, yTitle: what };
}

export interface TimelineRun {
  agent: string;
  started: string;
  outcome: string;
}

/** Each run as a point: when it started (x) on its agent's row (y), one dataset per outcome. */
export function timelineChart(runs: readonly TimelineRun[]): ChartSpec {
  const agents = [...new Set(runs.map((r) => r.agent))].sort();
  const outcomes = [...new Set(runs.map((r) => r.outcome))].sort();
  const colors = paletteIndex(outcomes);
  return {
    id: 'runs-timeline',
    title: 'Runs over time, by agent',
    type: 'scatter',
    timeX: true,
    yNames: agents,
    datasets: outcomes.map((o) => ({
      label: o,
      type: 'scatter',
      color: colors.get(o)!,
      data: runs.filter((r) => r.outcome === o).map((r) => ({ x: Date.parse(r.started), y: agents.indexOf(r.agent) })),
    })),
  };
}

/**
 * A goal's skills over time from its History, each with its target as a dashed line and its pace
 * (the straight line from the baseline at the start to the target at the deadline) as a dotted one.
 */
export function goalChart(id: string, goal: GoalFront, history: readonly HistoryEntry[], start: string | undefined): ChartSpec {
  const skills: { id: string; baseline: number; target: number }[] = goal.skills.map((s) => ({ id: s.id, baseline: s.baseline, target: s.target }));
  if (goal.metric) skills.push({ id: 'metric', baseline: goal.metric.baseline, target: goal.metric.target });
  const colors = paletteIndex(skills.map((s) => s.id));
  const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
  const first = start ?? history[0]?.date;
  const last = goal.deadline ?? history[history.length - 1]?.date;
  const datasets: DatasetSpec[] = [];
  for (const s of skills) {
    const points = history.filter((h) => h.skill === s.id).map((h) => ({ x: ms(h.date), y: h.value }));
    datasets.push({ label: s.id, type: 'line', data: points, color: colors.get(s.id)! });
    if (first && last) {
      datasets.push({ label: `${s.id} target`, type: 'line', dashed: true, color: colors.get(s.id)!, data: [{ x: ms(first), y: s.target }, { x: ms(last), y: s.target }] });
      if (goal.deadline) datasets.push({ label: `${s.id} pace`, type: 'line', dashed: true, color: colors.get(s.id)!, data: [{ x: ms(first), y: s.baseline }, { x: ms(goal.deadline), y: s.target }] });
    }
  }
  return { id, title: goal.title, type: 'line', timeX: true, datasets };
}
