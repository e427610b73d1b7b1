// Delegating capabilities: a parent hands a child (an ephemeral agent spawned for one item) some of
// its capabilities, never more than it holds. Pure: "is this capability inside one the parent
// holds?" is decided on the parsed capabilities, resource by resource and constraint by constraint.
// When in doubt the answer is no: a child asks for exactly what it needs or copies the parent's text.
import picomatch from 'picomatch';
import { parseCapability, parseRate, type Capability, type Verdict } from './capabilities.js';
import { hostMatches } from './urlcheck.js';

const GLOB = /[*?]/;

/** Whether the file glob `child` names only paths that `parent` names. */
function fileCovered(parent: string, child: string): boolean {
  if (parent === child) return true;
  if (parent.startsWith('/') !== child.startsWith('/')) return false;
  if (!GLOB.test(child)) return picomatch.isMatch(child, parent, { dot: false, nonegate: true, noextglob: true, nobrace: true, nobracket: true }) || (parent.endsWith('/**') && child === parent.slice(0, -3));
  // A glob inside a parent's "folder/**" (folder literal): anything under the folder stays under it.
  if (parent === '**') return !child.startsWith('/');
  if (parent.endsWith('/**')) {
    const dir = parent.slice(0, -2);
    return !GLOB.test(dir) && child.startsWith(dir) && !child.slice(dir.length).split('/').includes('..');
  }
  return false;
}

function hostCovered(parent: string, child: string): boolean {
  if (parent === child) return true;
  if (child === '*') return false;
  if (child.startsWith('*.')) {
    const suffix = child.slice(2);
    return parent === '*' || (parent.startsWith('*.') && (suffix === parent.slice(2) || suffix.endsWith(`.${parent.slice(2)}`)));
  }
  return hostMatches(parent, child.toLowerCase());
}

function resourceCovered(kind: Capability['kind'], parent: string, child: string): boolean {
  if (kind === 'file') return fileCovered(parent, child);
  if (kind === 'http') return hostCovered(parent, child);
  return parent === '*' || parent === child;
}

function duration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  return m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : undefined;
}
function size(text: string): number | undefined {
  const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1);
}
const whole = (t: string) => (/^\d+$/.test(t) ? Number(t) : undefined);

/** Keys whose value is an upper bound: the child's must be at most the parent's, and present if the parent's is. */
const BOUNDS: Record<string, (t: string) => number | undefined> = { timeout: duration, cpu: duration, max_bytes: size, memory: size, max: whole, depth: whole, processes: whole };
/** Keys that list what is allowed: absent in the parent means the narrowest default, so the child may not add them. */
const WIDENING = ['write', 'syntax', 'remotes', 'ports', 'scheme', 'auth', 'private'];
/** Keys that list what is allowed where absent means "anything": the child keeps the key with a subset. */
const LISTS = ['to', 'subcommands'];

function constraintProblem(parent: Capability, child: Capability): string | undefined {
  const p = parent.constraints;
  const c = child.constraints;
  for (const key of new Set([...Object.keys(p), ...Object.keys(c)])) {
    const pv = p[key];
    const cv = c[key];
    if (key === 'rate') {
      if (!pv) continue; // a rate only narrows
      if (!cv) return `it must keep {rate:${pv[0]}}`;
      const pr = parseRate(pv[0]!);
      const cr = parseRate(cv[0]!);
      if ('error' in pr || 'error' in cr || cr.count * pr.windowMs > pr.count * cr.windowMs) return `rate ${cv[0]} is more than ${pv[0]}`;
      continue;
    }
    if (key in BOUNDS) {
      if (!pv) {
        if (cv) return `{${key}} is set where the parent's has none (keep the parent's default)`;
        continue;
      }
      if (!cv) return `it must keep {${key}:${pv[0]}}`;
      const read = BOUNDS[key]!;
      const a = read(cv[0]!);
      const b = read(pv[0]!);
      if (a === undefined || b === undefined || a > b) return `${key} ${cv[0]} is more than ${pv[0]}`;
      continue;
    }
    if (key === 'network') {
      if ((cv?.[0] ?? 'off') === 'on' && (pv?.[0] ?? 'off') !== 'on') return 'network on is not granted to the parent';
      continue;
    }
    if (key === 'cwd') {
      if ((cv?.[0] ?? 'home') !== (pv?.[0] ?? 'home')) return `cwd ${cv?.[0] ?? 'home'} is not the parent's ${pv?.[0] ?? 'home'}`;
      continue;
    }
    if (WIDENING.includes(key)) {
      if (!cv) continue;
      const extra = cv.find((x) => !(pv ?? []).includes(x));
      if (extra !== undefined) return `${key} ${extra} is not granted to the parent`;
      continue;
    }
    if (LISTS.includes(key)) {
      if (!pv || pv.includes('*')) continue;
      if (!cv) return `it must keep {${key}:${pv.join(',')}}`;
      const extra = cv.find((x) => !pv.includes(x));
      if (extra !== undefined) return `${key} ${extra} is not granted to the parent`;
      continue;
    }
    return `constraint ${key} cannot be delegated`;
  }
  return undefined;
}

/** Why `child` is not inside any of the parent's capabilities, or undefined when one holds it. */
export function notCovered(child: Capability, parentCaps: readonly Capability[]): string | undefined {
  if (child.kind === 'agent' && child.actions.includes('spawn')) return 'a spawned agent cannot spawn agents of its own';
  let closest: string | undefined;
  for (const parent of parentCaps) {
    if (parent.kind !== child.kind) continue;
    const action = child.actions.find((a) => !parent.actions.includes(a));
    if (action !== undefined) {
      closest ??= `action ${action} is not in "${parent.text}"`;
      continue;
    }
    const res = child.resources.find((r) => !parent.resources.some((pr) => resourceCovered(child.kind, pr, r)));
    if (res !== undefined) {
      closest ??= `${res} is not inside "${parent.text}"`;
      continue;
    }
    const why = constraintProblem(parent, child);
    if (why) {
      closest ??= `${why} ("${parent.text}")`;
      continue;
    }
    return undefined;
  }
  return closest ?? `the parent holds no ${child.kind} capability`;
}

/**
 * The capabilities a parent hands a child: each written one parsed and checked against the
 * parent's. Refused as a whole when any is bad or more than the parent holds.
 */
export function delegatedCapabilities(texts: readonly string[], parentCaps: readonly Capability[]): { caps: Capability[] } | { error: string } {
  const caps: Capability[] = [];
  for (const text of texts) {
    const p = parseCapability(text);
    if ('error' in p) return { error: p.error };
    const why = notCovered(p.cap, parentCaps);
    if (why) return { error: `capability "${text}" is more than the parent holds: ${why}` };
    caps.push(p.cap);
  }
  return { caps };
}

export const DEFAULT_SPAWN_MAX = 3;

/** May this agent spawn another child for the item, given how many it has spawned for it? */
export function checkSpawn(caps: readonly Capability[], spawnedSoFar: number): Verdict & { max?: number } {
  const cap = caps.find((c) => c.kind === 'agent' && c.actions.includes('spawn'));
  if (!cap) return { allowed: false, reason: 'no capability grants agent:spawn' };
  const max = Number(cap.constraints.max?.[0] ?? DEFAULT_SPAWN_MAX);
  if (spawnedSoFar >= max) return { allowed: false, reason: `at most ${max} spawned agents per item ("${cap.text}")`, max };
  return { allowed: true, reason: `granted by "${cap.text}"`, max };
}
