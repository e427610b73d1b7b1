// Pure decisions for devices that share one home through git: a device's name, whether an item's
// claim leaves it to another device, what a claim file says, which files may never hold conflict markers.
import { UserError } from '../../errors.js';

/** Safe in a file name, a commit trailer and a claim: letters, digits, dot, dash, underscore. */
export const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * This device's name: AOS_DEVICE when set (an override for one shell or one timer), else the
 * `devices:` entry for this host in aos.yaml (aos.yaml is synced, so it maps host names to names),
 * else the host name made safe.
 */
export function deviceName(override: string | undefined, hostname: string, devices: Readonly<Record<string, string>> = {}): string {
  if (override) {
    if (!DEVICE_NAME.test(override)) {
      throw new UserError(`AOS_DEVICE: expected a device name of letters, digits, dots, dashes and underscores (at most 63), found ${JSON.stringify(override.slice(0, 80))}`);
    }
    return override;
  }
  const mapped = devices[hostname];
  if (mapped) return mapped;
  const safe = hostname.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return safe || 'device';
}

/**
 * Files an aos commit refuses while they hold conflict markers. Logs are union-merged (never
 * marked) and written by aos, and handled items and run records quote model text that may
 * legitimately show a conflict; everything else is state a person or a merge edits.
 */
export function markerChecked(path: string): boolean {
  return !path.startsWith('logs/') && !path.startsWith('inbox/done/') && /\.(md|ya?ml)$/.test(path);
}

/** The same lines findConflictMarker refuses, as an extended regex for git grep. */
export const MARKER_GREP = '^(<{7}|>{7}|[|]{7})([[:space:]]|$)';

export interface Claim {
  /** The item's file name in inbox/ without .md (its id, unless the owner named the file otherwise). */
  item: string;
  device: string;
  /** ISO time the claim was made. */
  claimed: string;
  agent?: string;
  /** The device whose stale claim this one released; set at most once per item. */
  released?: string;
}

/**
 * Claims are named by the item's file name, never by its `id:` field: front matter is data, and an
 * id like ../../agents/chief must not become a path. The name is one entry of inbox/ (no slash, no
 * leading dot); one with control characters (a newline) cannot be written into a claim, and waits.
 */
export function claimPath(itemName: string): string {
  return `inbox/claims/${itemName}.md`;
}

export function claimableName(name: string): boolean {
  return ITEM_NAME.test(name);
}

const ITEM_NAME = /^[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,199}$/;

export function renderClaim(c: Claim): string {
  const lines = [`item: ${c.item}`, `device: ${c.device}`, `claimed: ${c.claimed}`];
  if (c.agent) lines.push(`agent: ${c.agent}`);
  if (c.released) lines.push(`released: ${c.released}`);
  const why = c.released
    ? `${c.device} took this item over after ${c.released}'s claim went stale; it runs here once more, never again automatically.`
    : `${c.device} is running this item; other devices leave it alone. aos removes this file when the run ends.`;
  return `---\n${lines.join('\n')}\n---\n${why}\n`;
}

/** Reads a claim file; undefined when it is not one (hand-edited, damaged). Plain "key: value" lines only. */
export function parseClaim(text: string): Claim | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m) return undefined;
  const f: Record<string, string> = {};
  for (const line of m[1]!.split(/\r?\n/)) {
    const kv = /^([a-z]+):\s*(.*?)\s*$/.exec(line);
    if (kv) f[kv[1]!] = kv[2]!;
  }
  if (!f.item || !ITEM_NAME.test(f.item) || !f.device || !f.claimed || !DEVICE_NAME.test(f.device) || Number.isNaN(Date.parse(f.claimed))) return undefined;
  return { item: f.item, device: f.device, claimed: f.claimed, ...(f.agent ? { agent: f.agent } : {}), ...(f.released ? { released: f.released } : {}) };
}

export type ClaimVerdict =
  | { take: true; release?: string }
  | { take: false; reason: string };

/**
 * May this device run the item? Free, or claimed by this device: yes. Claimed by another device:
 * no, unless the claim is older than the timeout — then it is released and taken over, once; a
 * claim that already took one over is never released again (the owner decides), and neither is
 * the claim of an item waiting for an approval.
 */
export function judgeClaim(existing: Claim | undefined | 'unreadable', me: string, now: Date, timeoutMinutes: number, waitsForApproval = false): ClaimVerdict {
  if (existing === undefined) return { take: true };
  if (existing === 'unreadable') return { take: false, reason: 'its claim file is unreadable; fix or delete it to run the item' };
  if (existing.device === me) return { take: true };
  // Only the device that asked can act on the answer (its ledger holds the asked action), however long the owner takes.
  if (waitsForApproval) return { take: false, reason: `waits for an approval ${existing.device} asked for; ${existing.device} carries it out once answered` };
  const age = now.getTime() - Date.parse(existing.claimed);
  if (age < timeoutMinutes * 60_000) return { take: false, reason: `claimed by ${existing.device} since ${existing.claimed}` };
  if (existing.released) {
    return {
      take: false,
      reason: `claimed by ${existing.device} after ${existing.released}'s claim went stale, and that never finished either; delete ${claimPath(existing.item)} to run it again`,
    };
  }
  return { take: true, release: existing.device };
}

/** A push the remote refused because it moved on (another device pushed first), rather than a real failure. */
export function isRejectedPush(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info/i.test(stderr);
}

/** Items aos files under ids it derives (a schedule slot, a goal's drill day): the only ones two devices can both create. */
export function isGeneratedItem(f: { from?: string; kind?: string; slot?: string }): boolean {
  return (f.from === 'schedule' && f.kind === 'schedule' && Boolean(f.slot)) || (f.from === 'goals' && (f.kind === 'drill' || f.kind === 'research'));
}

/**
 * Two devices that ticked in the same minute may both create the same generated item: a schedule
 * slot's (its id comes from the slot) or a goal's drill or re-research item (its id comes from the
 * day and the skill), so the path is the same. That add/add conflict is not the owner's: the
 * remote's copy wins. Anything else that conflicts is.
 */
export function sameGeneratedItem(path: string, ours: string, theirs: string): boolean {
  if (!/^inbox\/[^/]+\.md$/.test(path)) return false;
  const field = (text: string, key: string) => new RegExp(`^${key}:\\s*(.+?)\\s*$`, 'm').exec(text.split(/\r?\n---\s*(\r?\n|$)/)[0] ?? '')?.[1];
  const generated = (text: string) => isGeneratedItem({ from: field(text, 'from'), kind: field(text, 'kind'), slot: field(text, 'slot') });
  if (!generated(ours) || !generated(theirs)) return false;
  return field(ours, 'kind') === field(theirs, 'kind') && field(ours, 'slot') === field(theirs, 'slot') && field(ours, 'to') === field(theirs, 'to');
}

/**
 * How a rebase may settle one conflicted file without the owner, or undefined when it is theirs to
 * resolve. The remote's copy always stays at the path (for a claim the remote deleted: no file). Two handled copies of one item (a device
 * that finished after its stale claim was taken over, and the device that took it) are both
 * results of real runs: the local one is kept beside it, named by its run.
 */
export function settleClash(path: string, remote: string, local: string): { keepRemote: true; alsoWrite?: { path: string; text: string } } | undefined {
  // A claim counts only once the remote has it: whatever the remote holds for it (another device's
  // claim, or none since it was released) beats a local claim that never got there.
  if (/^inbox\/claims\/[^/]+\.md$/.test(path)) return { keepRemote: true };
  if (sameGeneratedItem(path, remote, local)) return { keepRemote: true };
  if (!/^inbox\/done\/\d{4}\/\d{2}\/[^/]+\.md$/.test(path) || !remote || !local) return undefined;
  const run = /^run:\s*["']?([A-Za-z0-9-]{1,60})/m.exec(local.split(/\r?\n---\s*(\r?\n|$)/)[0] ?? '')?.[1] ?? 'local';
  return { keepRemote: true, alsoWrite: { path: `${path.slice(0, -3)}.${run}.md`, text: local } };
}
