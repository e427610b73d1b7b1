import type { GoalFront } from './schemas.js';

/** How far a goal has come from its baseline toward its target, 0..1 (metric first, else weighted skills). */
export function goalProgress(goal: GoalFront): number | undefined {
  const part = (m: { baseline: number; current: number; target: number }) =>
    m.target === m.baseline ? 1 : Math.min(1, Math.max(0, (m.current - m.baseline) / (m.target - m.baseline)));
  if (goal.metric) return part(goal.metric);
  const total = goal.skills.reduce((s, k) => s + k.weight, 0);
  if (!goal.skills.length || total === 0) return undefined;
  return goal.skills.reduce((s, k) => s + part(k) * k.weight, 0) / total;
}

export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
