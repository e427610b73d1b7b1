// The schemas of every file in a home. Custom messages here are phrased as "what was expected",
// because validate.ts prints them as "expected <message>, found <value>".
import { TICK_INTERVAL_MINUTES } from '../runs/heartbeat.js';
import * as v from 'valibot';

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const texts = v.array(text);
import { AGENT_ID, SLUG } from './ids.js';
import { LOCK_STALE_MINUTES } from '../runs/lock.js';
import { BrainSchema } from '../agents/brains.js';
import { DEVICE_NAME } from '../runs/sync.js';
import { SellSchema } from '../economy/sellconfig.js';
import { BenchSchema } from '../missions/gates.js';
import { TOPIC, TOPIC_PATTERN } from '../events/topics.js';
const agentId = v.pipe(v.string(), v.regex(AGENT_ID, 'an id of lowercase letters, digits and dashes'));
const slug = v.pipe(v.string(), v.regex(SLUG, 'a file name without .md (lowercase, digits, dashes)'));
const date = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-21'));
const dateTime = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'a time like 2026-11-21T10:32:05+00:00'),
);
const positive = v.pipe(v.number(), v.minValue(0, 'a number of 0 or more'));
const positiveInt = v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'a number of 0 or more'));
// Only the shape here: asking ICU whether a zone exists costs ~20 ms, too much for every start.
// Commands that use the zone check it for real (core/docs/time.ts), and so does doctor.
const timezone = v.pipe(v.string(), v.regex(/^(UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+|[A-Za-z0-9_+-]+)$/, 'an IANA time zone such as Europe/Lisbon'));
const argv = v.pipe(v.array(text), v.minLength(1, 'a command as a list, program first'));
// Cron is checked field by field when schedules run; here only its shape.
const cron = v.pipe(v.string(), v.regex(/^\s*(\S+\s+){4}\S+\s*$/, 'a cron expression of five fields, like "0 9 * * 1"'));
export const CAPABILITY_KINDS = ['file', 'shell', 'http', 'agent', 'memory', 'goal', 'inbox', 'skill', 'browser'] as const;
const capability = v.pipe(
  v.string(),
  // The URI form (capability://kind/…) is read by the same parser (core/agents/capuri.ts), which judges the rest.
  v.regex(new RegExp(`^(capability://)?(${CAPABILITY_KINDS.join('|')})[:/?]\\S`), `a capability "kind:resource:actions" (or capability://kind/resource?action=…) with kind one of ${CAPABILITY_KINDS.join(', ')}`),
);

const WatchFolderSchema = v.pipe(
  v.strictObject({
    /** ~/Downloads or an absolute path: outside the home, read only (never moved or deleted). */
    folder: v.pipe(v.string(), v.regex(/^(~|\/)(\/?[^\u0000-\u001f]*)$/, 'a folder outside the home: ~/Downloads or an absolute path')),
    patterns: v.optional(v.pipe(texts, v.minLength(1, 'at least one pattern like "*.pdf"')), ['*']),
    agent: v.optional(agentId),
    /** A chain (chains/<name>.yaml) to start instead of one agent's item. */
    chain: v.optional(slug),
    task: text,
    priority: v.optional(v.picklist(['low', 'normal', 'high', 'urgent']), 'normal'),
  }),
  v.check((w) => Boolean(w.agent || w.chain), 'an agent (or a chain) to hand each new file to'),
);

export const ConfigSchema = v.strictObject({
  owner: v.strictObject({
    name: text,
    timezone: v.optional(timezone, 'UTC'),
    email: v.optional(v.pipe(v.string(), v.email('an email address'))),
    profile: v.optional(v.string()),
  }),
  model: v.optional(
    v.strictObject({
      provider: v.optional(v.picklist(['anthropic', 'command', 'none']), 'none'),
      model: v.optional(text),
      command: v.optional(argv),
      timeout_seconds: v.optional(positive),
      max_tokens: v.optional(positiveInt),
      /** Retries of one model call after a 429, 5xx, timeout or malformed answer, within the tick's budget. */
      max_retries: v.optional(positiveInt, 3),
      /** USD per million tokens, by model name prefix; overrides the built-in table. */
      prices: v.optional(
        v.record(
          v.string(),
          v.strictObject({ input: positive, output: positive, cache_read: v.optional(positive), cache_write: v.optional(positive) }),
        ),
      ),
    }),
    { provider: 'none' },
  ),
  default_agent: agentId,
  tick: v.optional(
    v.strictObject({
      budget_seconds: v.optional(positive, 240),
      lock_stale_minutes: v.optional(positive, LOCK_STALE_MINUTES),
      /** How often cron or the timer starts a tick: `aos status` warns after 3 intervals without one. */
      interval_minutes: v.optional(positive, TICK_INTERVAL_MINUTES),
      /** Failed or interrupted runs of one item before it is marked failed. */
      max_attempts: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 3),
    }),
    {},
  ),
  /** The largest item (its text) a run sends to the model, in KB; a larger one is refused, the file kept. */
  inbox: v.optional(
    v.strictObject({
      max_item_kb: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 200),
      /** The largest image / PDF a run attaches for the model (issue 20); a larger one is kept, reported once, not sent. */
      max_image_kb: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 5 * 1024),
      max_pdf_kb: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 10 * 1024),
    }),
    {},
  ),
  /** Folders outside the home whose new files become items, checked by each tick (issue 20, flows/watch.ts). */
  watch: v.optional(
    v.strictObject({
      /** Copies of watched files under inbox/files/ are committed (true) or git-ignored (false). */
      commit_files: v.optional(v.boolean(), false),
      /** A watched file larger than this is reported once and not copied. */
      max_file_kb: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 10 * 1024),
      folders: v.optional(v.array(WatchFolderSchema), []),
    }),
    {},
  ),
  /** routing.classify: when no handles: hint matches, a cheap model picks among the active agents by role (once per subject, cached). */
  routing: v.optional(v.strictObject({ classify: v.optional(v.boolean(), false), model: v.optional(text) }), {}),
  dream: v.optional(v.strictObject({ min_hours: v.optional(positive, 24), min_runs: v.optional(positiveInt, 5) }), {}),
  // A skill is enabled only after this many promoted missions used it (core/skills/skills.ts).
  skills: v.optional(v.strictObject({ min_successes: v.optional(positiveInt, 3) }), {}),
  policy: v.optional(
    v.strictObject({
      safe: v.optional(texts),
      ask: v.optional(texts),
      never: v.optional(texts),
      /** Which asked actions repeated approvals may turn safe: off (none), low (file actions, http get/head), high (all). */
      autonomy: v.optional(v.picklist(['off', 'low', 'high']), 'off'),
      trust_after: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 3),
    }),
    {},
  ),
  sync: v.optional(
    v.strictObject({
      auto: v.optional(v.boolean(), false),
      remote: v.optional(text),
      branch: v.optional(text),
      /** A claim by another device older than this is released and its item runs here, once. */
      claim_timeout_minutes: v.optional(v.pipe(positive, v.minValue(1, 'at least 1')), 60),
      /** Pushes tried again after the remote refused one because another device pushed first. */
      push_retries: v.optional(v.pipe(positiveInt, v.maxValue(50, 'at most 50')), 5),
    }),
    {},
  ),
  /** This device's name by host name (aos.yaml is shared by every device); AOS_DEVICE overrides, the host name is the default. */
  devices: v.optional(v.record(v.string(), v.pipe(v.string(), v.regex(DEVICE_NAME, 'a device name of letters, digits, dots, dashes, underscores')))),
  notify: v.optional(v.strictObject({ command: v.optional(argv) }), {}),
  /** The rulebook of changes (core/rules/): the limits per change, opt-in kinds turned on, kinds turned off, the home's own kinds. */
  rules: v.optional(
    v.strictObject({
      max_files: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'))),
      max_kb: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'))),
      enable: v.optional(texts),
      disable: v.optional(texts),
      kinds: v.optional(v.array(v.strictObject({ name: slug, globs: v.pipe(texts, v.minLength(1, 'at least one glob')), why: text, except: v.optional(texts) }))),
    }),
    {},
  ),
  /**
   * Issue 22, optional: `aos memory search` re-orders its keyword candidates by a mix with how close
   * each one's text lies to the question, by the owner's own embedding model (model/embedder.ts for
   * the program's input and output). Off unless set.
   */
  memory: v.optional(
    v.strictObject({
      embeddings: v.optional(
        v.strictObject({
          command: argv,
          /** The vector's share of the mixed score, 0 to 1 (default 0.3). */
          weight: v.optional(v.pipe(positive, v.maxValue(1, 'a number from 0 to 1'))),
          /** How many keyword hits are re-ordered (default 50). */
          candidates: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'), v.maxValue(500, 'at most 500'))),
          timeout_seconds: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'))),
        }),
      ),
    }),
  ),
  /** The arena (issue 18): how many of a mission's candidates run at once (1: one after another). */
  arena: v.optional(v.strictObject({ parallel: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'))) })),
  /** Missions (issue 17): the defaults `aos mission new` writes into each mission.md. */
  mission: v.optional(
    v.strictObject({
      promote: v.optional(v.picklist(['ask', 'auto'], 'ask (the owner approves each promotion) or auto')),
      merge: v.optional(v.picklist(['ff', 'merge'], 'ff (fast-forward) or merge (a merge commit)')),
      repair_rounds: v.optional(positiveInt),
      check_timeout_seconds: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1'))),
      /**
       * Issue 18: the critic agent that reviews each mission's change before promote; or
       * `{agent, brains: [codex, claude]}`: independent reviews by that agent, one per brain (a
       * brain profile, or provider:model), all of which must approve.
       */
      review: v.optional(v.union([agentId, v.strictObject({ agent: agentId, brains: v.optional(v.pipe(texts, v.minLength(1, 'at least one brain'))) })], 'an agent id, or {agent, brains: [...]}')),
      /** Issue 18: the benchmark gate before promote: {command, min and/or max, timeout_seconds}. */
      bench: v.optional(BenchSchema),
    }),
  ),
  /** NAME: env | env:VARIABLE | /path/outside/the/home — known values are redacted from everything aos writes. */
  secrets: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a name like GITHUB_TOKEN')), text)),
  /** Shell commands run in bubblewrap; without it they are refused unless this says "none" (run unconfined). */
  sandbox: v.optional(v.picklist(['bubblewrap', 'none'], 'sandbox: bubblewrap (the default) or none')),
  /** Work sold to other agents over A2A (issue 21, core/economy/sellconfig.ts). */
  sell_to_network: v.optional(SellSchema),
});
export type Config = v.InferOutput<typeof ConfigSchema>;

export const AGENT_STATUSES = ['active', 'paused', 'retired'] as const;
export const AgentSchema = v.strictObject({
  name: text,
  role: text,
  model: v.optional(text),
  /** A CLI brain profile instead of aos.yaml's model (core/agents/brains.ts, docs/providers.md). */
  brain: v.optional(BrainSchema),
  handles: v.optional(texts, []),
  /** Event topics this agent receives one item for each (core/events/topics.ts): "research.*". */
  subscribes: v.optional(v.array(v.pipe(v.string(), v.regex(TOPIC_PATTERN, 'a topic pattern like research.* (dot-separated words, * one word, ** any)'))), []),
  capabilities: v.optional(v.array(capability), []),
  schedule: v.optional(
    v.array(v.strictObject({ cron, task: text, missed: v.optional(v.picklist(['once', 'all', 'skip']), 'once') })),
    [],
  ),
  budget: v.optional(
    v.strictObject({
      tokens_per_day: v.optional(positiveInt),
      usd_per_day: v.optional(positive),
      max_turns: v.optional(positiveInt),
      /** Lower this agent's limits on a delegation tree it adds to (core/agents/delegtree.ts): never above aos's. */
      tree_delegations: v.optional(positiveInt),
      tree_depth: v.optional(positiveInt),
      tree_tokens: v.optional(positiveInt),
    }),
    {},
  ),
  status: v.optional(v.picklist(AGENT_STATUSES), 'active'),
  /** An ephemeral agent spawned by `by` for one item (tools/spawn.ts): removed once that item is done. */
  spawned: v.optional(v.strictObject({ by: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'an agent id')), item: v.pipe(v.string(), v.nonEmpty('an item id')) })),
});
export type AgentFront = v.InferOutput<typeof AgentSchema>;

export const MEMORY_TYPES = ['fact', 'decision', 'lesson', 'preference', 'person', 'project'] as const;
export const MemorySchema = v.strictObject({
  title: text,
  type: v.picklist(MEMORY_TYPES),
  description: v.pipe(text, v.maxLength(150, 'a description of at most 150 characters')),
  created: date,
  updated: v.optional(date),
  status: v.optional(v.picklist(['active', 'superseded', 'stale']), 'active'),
  supersedes: v.optional(v.array(slug), []),
  superseded_by: v.optional(slug),
  sources: v.optional(texts, []),
  tags: v.optional(texts, []),
});
export type MemoryFront = v.InferOutput<typeof MemorySchema>;

// A skill (skills/<id>.md): a procedure that earned a track record. Only `enabled` ones reach an
// agent's context, and only the owner enables (core/skills/skills.ts).
export const SKILL_STATUSES = ['candidate', 'enabled', 'retired'] as const;
export const SKILL_OUTCOMES = ['promoted', 'failed', 'stopped'] as const;
export const SkillSchema = v.strictObject({
  name: text,
  description: v.pipe(text, v.maxLength(200, 'a description of at most 200 characters')),
  status: v.optional(v.picklist(SKILL_STATUSES), 'candidate'),
  /** Words that make the skill relevant to a task (its name's words when absent). */
  when: v.optional(texts, []),
  proposed_by: v.optional(agentId),
  from_mission: v.optional(text),
  created: date,
  enabled: v.optional(date),
  record: v.optional(
    v.array(v.strictObject({ mission: text, outcome: v.picklist(SKILL_OUTCOMES), date })),
    [],
  ),
});
export type SkillFront = v.InferOutput<typeof SkillSchema>;

const cadence = v.pipe(
  v.string(),
  v.regex(/^(daily|weekly|\d+\/week|(\S+\s+){4}\S+)$/, 'a cadence: daily, weekly, N/week or a cron expression'),
);
const weight = v.pipe(v.number(), v.minValue(0, 'a weight from 0 to 1'), v.maxValue(1, 'a weight from 0 to 1'));
export const GoalSchema = v.strictObject({
  title: text,
  status: v.optional(v.picklist(['active', 'paused', 'done', 'dropped']), 'active'),
  owner: agentId,
  deadline: v.optional(date),
  /** When the goal started: pace is measured from it (else from the first History line). */
  created: v.optional(date),
  metric: v.optional(v.strictObject({ name: text, baseline: v.number(), current: v.number(), target: v.number(), unit: v.optional(text) })),
  skills: v.optional(
    v.array(
      v.strictObject({
        id: slug,
        name: text,
        weight,
        baseline: v.number(),
        current: v.number(),
        target: v.number(),
        cadence,
        last_practiced: v.optional(date),
        drill: text,
      }),
    ),
    [],
  ),
});
export type GoalFront = v.InferOutput<typeof GoalSchema>;

// request/response/event/stream: the message kinds (issue 20); the older kinds map onto them (core/events/topics.ts).
// job: work a remote client bought over A2A (issue 21): run under the job profile, recorded in ledger/.
export const ITEM_KINDS = ['task', 'reply', 'delegation', 'message', 'drill', 'research', 'schedule', 'request', 'response', 'event', 'stream', 'job'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
// cancelled: the owner stopped its `aos run` (Ctrl-C); it waits until the owner sets it back to new.
// streaming: a stream item still taking chunks; its final chunk makes it new (never served before).
// proposed: the weekly review suggested it (aos review); nothing runs it until the owner sets it to new.
export const ITEM_STATUSES = ['new', 'waiting', 'running', 'done', 'failed', 'cancelled', 'streaming', 'proposed'] as const;
export const InboxItemSchema = v.strictObject({
  id: v.optional(text),
  from: v.optional(text),
  to: v.optional(agentId),
  kind: v.optional(v.picklist(ITEM_KINDS), 'task'),
  priority: v.optional(v.picklist(PRIORITIES), 'normal'),
  created: v.optional(dateTime),
  status: v.optional(v.picklist(ITEM_STATUSES), 'new'),
  subject: v.optional(text),
  parent: v.optional(text),
  handled_by: v.optional(agentId),
  run: v.optional(text),
  finished: v.optional(dateTime),
  attempts: v.optional(positiveInt),
  error: v.optional(v.string()),
  /** Agents this work has passed through by delegation, oldest first. */
  chain: v.optional(v.array(agentId)),
  /** Items this one delegated and waits for. */
  children: v.optional(texts),
  /** The item that began the tree of delegations this one belongs to (core/agents/delegtree.ts). */
  root: v.optional(text),
  /**
   * The item that began this whole piece of work, on every item a run created (delegations,
   * messages, spawned work) however deep: \`aos trace\` and \`grep -r "trace: <id>"\` find it all.
   */
  trace: v.optional(text),
  /** On a tree's root: delegations made anywhere in the tree, and tokens its runs spent. */
  tree_delegations: v.optional(positiveInt),
  tree_tokens: v.optional(positiveInt),
  /** The approval this item waits for (its run asked the owner). */
  approval: v.optional(text),
  /** A run that stopped on a budget; the next run continues from its record. */
  checkpoint: v.optional(text),
  /** The schedule slot that created this item. */
  slot: v.optional(dateTime),
  tags: v.optional(texts),
  /** A job's sold skill and agreed price ("USD 0.005"), from aos.yaml sell_to_network when it was accepted. */
  skill: v.optional(text),
  price: v.optional(text),
  /** A file this item carries for the model (issue 20): under inbox/files/<item>/, an image, a PDF or text. */
  attachment: v.optional(text),
  /** Where an attached file came from (a watched folder's path), for the owner. */
  source: v.optional(text),
  /** Why the router chose the agent that handles this item (routing.classify). */
  routed_by: v.optional(text),
  /** When the work is due: among items of one priority, the earlier due runs first. */
  due: v.optional(dateTime),
  /** An event's topic (kind: event). */
  topic: v.optional(v.pipe(v.string(), v.regex(TOPIC, 'a topic like research.done (dot-separated words)'))),
  /** The request a response answers (kind: response). */
  in_reply_to: v.optional(text),
  /** The chain run this item is a step of (chains/runs/<run>.md). */
  chain_run: v.optional(text),
});
export type InboxFront = v.InferOutput<typeof InboxItemSchema>;

export const ApprovalSchema = v.strictObject({
  id: text,
  agent: agentId,
  run: text,
  action: text,
  argument: v.string(),
  hash: v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{8,64}$/, 'a hash like sha256:4be1…')),
  /** pending until the owner answers approved or denied; then done (performed once) or refused (not asked here, or changed). */
  status: v.picklist(['pending', 'approved', 'denied', 'done', 'refused']),
  created: dateTime,
  answered: v.optional(dateTime),
  /** The inbox item whose run asked. */
  item: v.optional(text),
  /** Why aos refused to act on the answer. */
  reason: v.optional(text),
});
export type ApprovalFront = v.InferOutput<typeof ApprovalSchema>;
