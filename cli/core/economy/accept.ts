// Whether this home takes a job a remote client asks for, decided once here from the values the
// server read (the key was checked before: no key, no request). The owner comes first: selling is
// off unless enabled, only in idle hours, and only while the owner's own queue is short. Pure.
import type { Offer, SoldSkill } from './sellconfig.js';
import { inWindow, nextWindow } from './idle.js';

export type Acceptance =
  | { accept: true; skill: SoldSkill }
  | { accept: false; why: 'disabled' | 'unsold' | 'idle' | 'busy'; reason: string; /** Minutes until a window opens (idle only). */ retryInMinutes?: number };

export interface AcceptState {
  offer: Offer | undefined;
  skill: string | undefined;
  /** The owner's clock now, as minutes after local midnight. */
  minute: number;
  /** The owner's own unfinished items (jobs not counted). */
  ownerQueue: number;
}

export function decideAcceptance(s: AcceptState): Acceptance {
  const { offer } = s;
  if (!offer?.enabled) return { accept: false, why: 'disabled', reason: 'this agent is not selling work now' };
  const skill = offer.skills.find((k) => k.id === s.skill);
  if (!skill) {
    const sold = offer.skills.map((k) => k.id).join(', ');
    return { accept: false, why: 'unsold', reason: s.skill ? `the skill "${s.skill}" is not sold here (sold: ${sold})` : `name the skill in the message's metadata as "skill" (sold: ${sold})` };
  }
  if (!offer.windows.some((w) => inWindow(w, s.minute))) {
    const next = nextWindow(offer.windows, s.minute)!;
    return { accept: false, why: 'idle', reason: `outside idle hours (${offer.windows.map((w) => w.text).join(', ')}); come back at ${next.window.text.slice(0, 5)}`, retryInMinutes: next.inMinutes };
  }
  if (s.ownerQueue > offer.maxOwnerQueue) return { accept: false, why: 'busy', reason: `the owner's own work comes first (${s.ownerQueue} item${s.ownerQueue === 1 ? '' : 's'} waiting); try again later` };
  return { accept: true, skill };
}

/** The owner's own unfinished items (sold jobs do not count): what "the owner comes first" measures. */
export function ownerQueue(items: readonly { front: { kind?: string; status?: string } }[]): number {
  return items.filter((i) => i.front.kind !== 'job' && ['new', 'running'].includes(i.front.status ?? 'new')).length;
}
