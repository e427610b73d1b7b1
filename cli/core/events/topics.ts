// Message kinds, event topics and who receives what (issue 20). Pure: the roster comes in as data,
// the recipients go out as ids; the store writes the items (home/events.ts).

/** A topic: dot-separated lowercase words, e.g. research.done, file.downloaded, goal.plateau. */
export const TOPIC = /^[a-z0-9][a-z0-9_-]{0,39}(\.[a-z0-9][a-z0-9_-]{0,39}){0,7}$/;
/** A subscription: a topic whose words may be * (exactly one word) or ** (any number of words). */
export const TOPIC_PATTERN = /^(\*\*|\*|[a-z0-9][a-z0-9_-]{0,39})(\.(\*\*|\*|[a-z0-9][a-z0-9_-]{0,39})){0,7}$/;

/**
 * Topics aos itself emits. An agent may not send an event under them, so a subscriber can trust
 * that `from: aos` on item.done really came from aos.
 */
export const AOS_TOPIC_PREFIXES = ['item', 'approval', 'goal', 'mission', 'chain'] as const;

export function reservedTopic(topic: string): boolean {
  return (AOS_TOPIC_PREFIXES as readonly string[]).includes(topic.split('.')[0]!);
}

/** Whether a subscription pattern takes a topic: "research.*" takes research.done, not research.done.late. */
export function topicMatches(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === '**') {
      for (let k = j; k <= t.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    return j < t.length && (p[i] === '*' || p[i] === t[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

export type MessageKind = 'request' | 'response' | 'event' | 'stream';

/**
 * The message kind of an item: the four kinds as written, and the older kinds mapped onto them
 * (a reply answers, everything else asks for work). An item without kind is a task: a request.
 */
export function messageKind(kind: string | undefined): MessageKind {
  if (kind === 'response' || kind === 'reply') return 'response';
  if (kind === 'event' || kind === 'stream') return kind;
  return 'request';
}

export interface RosterAgent {
  id: string;
  status: string;
  role: string;
  subscribes: readonly string[];
}

/** The active agents subscribed to a topic, each once, in roster order; the sender never hears its own event. */
export function subscribersOf(agents: readonly RosterAgent[], topic: string, sender?: string): string[] {
  return agents.filter((a) => a.status === 'active' && a.id !== sender && a.subscribes.some((s) => topicMatches(s, topic))).map((a) => a.id);
}

/** `to` of a broadcast: "*" (every active agent) or "role:<word>" (those whose role has that word). */
export const BROADCAST_TO = /^(\*|role:[a-z0-9][a-z0-9-]{0,39})$/;

export function isBroadcast(to: string): boolean {
  return BROADCAST_TO.test(to);
}

/** Who a broadcast reaches: every active agent but the sender, or those whose role holds the word (any case, whole word). */
export function broadcastRecipients(agents: readonly RosterAgent[], to: string, sender: string): string[] {
  const word = to === '*' ? undefined : to.slice('role:'.length);
  const hasWord = (role: string) => role.toLowerCase().split(/[^\p{L}\p{N}-]+/u).some((w) => w === word || w.replace(/s$/, '') === word);
  return agents.filter((a) => a.status === 'active' && a.id !== sender && (word === undefined || hasWord(a.role))).map((a) => a.id);
}
