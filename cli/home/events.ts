// Events on disk (issue 20): one inbox item per subscribed agent, a chain run for each chain whose
// trigger takes the topic, or a line in the daily log when nothing takes it. `emitEvent` is the one
// function aos's own code and the send_message tool call; it writes and returns the files, and the
// caller commits them (a run with its commit, a flow with its own).
import { localTime } from '../core/docs/time.js';
import { subscribersOf } from '../core/events/topics.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import type { Home } from './home.js';
import { createItem } from './items.js';
import { appendLog } from './log.js';
import { loadAgents } from './store.js';
import { startTopicRuns } from './chains.js';

export interface NewEvent {
  /** research.done, file.downloaded, goal.plateau … (core/events/topics.ts TOPIC). */
  topic: string;
  /** What happened, in a few lines: the subscribers' item text. */
  body: string;
  /** "aos" for aos's own events, else the agent that sent it. */
  from: string;
  /** The item the event is about, or the item whose run sent it. */
  parent?: string;
}

export interface Emitted {
  /** Every file written (items, chain runs, the log): the caller commits exactly these. */
  files: string[];
  /** The new items, by subscriber. */
  items: { to: string; id: string }[];
  /** Chain runs started by the topic (their first step is filed by the tick's advance). */
  runs: string[];
  /** Broken chain files met on the way (the others were still started). */
  problems: Problem[];
}

/**
 * Delivers an event: one item per active subscriber (never the sender), one run per chain whose
 * trigger names the topic. With no taker, an agent's event is logged; aos's own events are not
 * (what they report is logged already: the run, the approval, the goal).
 */
export async function emitEvent(home: Home, env: Env, event: NewEvent): Promise<Emitted> {
  const now = env.now();
  const tz = home.config.owner.timezone;
  const { agents } = await loadAgents(home.root, home.docs);
  const roster = agents.map((a) => ({ id: a.id, status: a.front.status, role: a.front.role, subscribes: a.front.subscribes ?? [] }));
  const to = subscribersOf(roster, event.topic, event.from);
  const out: Emitted = { files: [], items: [], runs: [], problems: [] };
  const created = localTime(now, tz).iso;
  const text = `Event ${event.topic} from ${event.from}:\n\n${event.body.trim()}`;
  for (const agent of to) {
    const item = await createItem(home.root, env, { text, created, from: event.from, to: agent, kind: 'event', topic: event.topic, ...(event.parent ? { parent: event.parent } : {}) }, now);
    out.items.push({ to: agent, id: item.id });
    out.files.push(item.file);
  }
  const started = await startTopicRuns(home, env, event.topic, event.body);
  out.runs.push(...started.runs);
  out.files.push(...started.files);
  out.problems.push(...started.problems);
  const taken = [...to.map((a) => `${a} (${out.items.find((i) => i.to === a)!.id})`), ...started.runs.map((r) => `chain run ${r}`)];
  if (taken.length || event.from !== 'aos') {
    const body = taken.length ? `Event ${event.topic} from ${event.from} went to ${taken.join(', ')}.` : `Event ${event.topic} from ${event.from}: no agent subscribes to it and no chain starts from it.\n\n${event.body.trim()}`;
    out.files.push(await appendLog(home, tz, now, { kind: 'event', agent: event.from, ref: event.topic, body }));
  }
  return out;
}
