// `aos mcp`: the home's memory, inbox, log, goals, roster and runs as MCP tools over stdio, with the
// official SDK. Every call re-reads the home (an agent's capabilities, the policy), is judged by
// core/agents/mcpscope.ts, and answers with data or an error result that says what was wrong. Writes go
// through the store and are committed, one at a time, with trailers naming the client.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { join } from 'node:path';
import { parseCapabilities } from '../core/agents/capabilities.js';
import * as access from '../core/agents/mcpscope.js';
import type { Scope } from '../core/agents/mcpscope.js';
import { AGENT_ID, SLUG } from '../core/docs/ids.js';
import { DOC_TYPES } from '../core/memory/searchdocs.js';
import { INDEX_FILE } from '../core/docs/textchecks.js';
import { TOPIC_SLUG, topicFile } from '../core/memory/memlint.js';
import { goalStart, summarize } from '../core/goals/goals.js';
import { agentIdentity, quoteSubject } from '../core/docs/commit.js';
import { localTime, resolveSince } from '../core/docs/time.js';
import { PRIORITIES, type MemoryFront } from '../core/docs/schemas.js';
import { UserError, formatProblem } from '../errors.js';
import type { Env } from '../env.js';
import { openHome, type Home } from '../home/home.js';
import { loadAgents, loadDone, loadGoals, loadInbox } from '../home/store.js';
import { readDoc } from '../home/documents.js';
import { createItem } from '../home/items.js';
import { appendLog } from '../home/log.js';
import { judgeAction } from '../tools/judge.js';
import { readIfExists } from '../home/files.js';
import { commit } from '../git/git.js';
import { recentRuns } from '../home/records.js';
import { itemView } from '../core/runs/inbox.js';
import { traceOf } from '../core/runs/trace.js';
import { redactItemText } from '../core/docs/secretscan.js';
import { readJournal } from '../home/journal.js';
import type { InboxFront } from '../core/docs/schemas.js';
import { makeWriter } from './writes.js';

declare const AOS_VERSION: string | undefined;
const VERSION = typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev';

export interface McpOptions {
  /** Scope the server to this agent's capabilities; without it the server is the owner's. */
  agent?: string;
  /** The run a tick started this server for: named in commits and log entries. */
  run?: string;
  /** The token of the lock of the tick that started this server (see writes.ts). */
  underLock?: string;
  /** How long a standalone write waits for the home's lock (tests shorten it). */
  lockWaitMs?: number;
}

class Refused extends UserError {}

const ok = (value: unknown): CallToolResult => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] });
const failed = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

function allow(a: access.Access): void {
  if (!a.allowed) throw new Refused(`refused: ${a.reason}`);
}

const agentId = z.string().regex(AGENT_ID, 'an agent id: lowercase letters, digits and dashes');

/** The scope now, from the agent file as it is now: a capability taken away applies to the next call. */
async function scopeOf(home: Home, agent: string | undefined): Promise<Scope> {
  if (agent === undefined) return { kind: 'owner' };
  const { agents, problems } = await loadAgents(home.root, home.docs);
  const a = agents.find((x) => x.id === agent);
  if (!a) {
    const bad = problems.find((p) => p.file === `agents/${agent}.md`);
    throw new Refused(bad ? `refused: agents/${agent}.md is invalid, so ${agent} has no rights: ${formatProblem(bad)}` : `refused: there is no agent "${agent}" (agents/${agent}.md)`);
  }
  if (a.front.status !== 'active') throw new Refused(`refused: ${agent} is ${a.front.status}`);
  const { caps, errors } = parseCapabilities(a.front.capabilities);
  if (errors.length) throw new Refused(`refused: ${agent} is disabled until its capabilities are fixed: ${errors[0]}`);
  return { kind: 'agent', id: agent, caps };
}

/** Checks that the server can start: the home opens and the agent, if named, exists with valid capabilities. */
export async function checkStart(env: Env, opts: McpOptions): Promise<void> {
  const home = await openHome(env);
  try {
    await scopeOf(home, opts.agent);
  } catch (err) {
    if (err instanceof Refused) throw new UserError(`aos mcp --agent ${opts.agent}: ${err.message.replace(/^refused: /, '')}`);
    throw err;
  }
}

export function buildServer(env: Env, opts: McpOptions): McpServer {
  const server = new McpServer(
    { name: 'aos', version: VERSION },
    {
      instructions:
        'aos is a personal agent operating system whose state is plain files in a git repository (the home). These tools search and read its memory, add to and list its inbox, note observations in its daily log, and list its goals, agents and recent runs.' +
        (opts.agent ? ` This server acts as the agent "${opts.agent}", with exactly its capabilities.` : " This server acts with the owner's own rights."),
    },
  );
  const writer = makeWriter({ underLock: opts.underLock, run: opts.run, waitMs: opts.lockWaitMs });
  // The client names itself in the handshake: text from outside, so one short line of it goes in a trailer.
  const client = () => {
    const c = server.server.getClientVersion();
    const named = c ? `${c.name} ${c.version}`.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim() : '';
    return named ? named.slice(0, 80) : 'unknown';
  };

  /** Each call opens the home afresh (config, policy and roster as they are now) and turns errors into results. */
  function handle<A>(fn: (args: A, home: Home, scope: Scope) => Promise<CallToolResult>) {
    return async (args: A): Promise<CallToolResult> => {
      try {
        const home = await openHome(env);
        const scope = await scopeOf(home, opts.agent);
        const result = await fn(args, home, scope);
        await home.docs.save();
        return result;
      } catch (err) {
        if (err instanceof UserError) return failed(err.message);
        process.stderr.write(`aos mcp: internal error\n${(err as Error)?.stack ?? String(err)}\n`);
        return failed(`internal error in aos: ${(err as Error)?.message ?? String(err)} (the server's stderr has the details)`);
      }
    };
  }

  /** Commits a write, authored by the agent (or the owner), with the client named in a trailer. */
  async function commitWrite(home: Home, scope: Scope, subject: string, kind: string, paths: string[], extra: Record<string, string> = {}) {
    return commit(home.root, env.vars, {
      who: scope.kind === 'agent' ? agentIdentity(scope.id) : home.owner,
      subject,
      trailers: {
        'Aos-Kind': kind,
        ...(scope.kind === 'agent' ? { 'Aos-Agent': scope.id } : {}),
        ...(opts.run ? { 'Aos-Run': opts.run } : {}),
        ...extra,
        'Aos-Client': client(),
        'Aos-Device': home.device,
      },
      paths,
    }, home.redact);
  }

  const who = (scope: Scope) => (scope.kind === 'agent' ? scope.id : 'owner');

  server.registerTool(
    'memory_search',
    {
      title: 'Search memory',
      description: 'Search the memory topics, the daily log, handled inbox items and goals. Returns ranked hits with file, line, type, date, title and a snippet.',
      inputSchema: {
        query: z.string().trim().min(1, 'a non-empty query').max(500),
        type: z.enum(DOC_TYPES).optional().describe('only this kind of document'),
        since: z.string().optional().describe('only documents from this day on: YYYY-MM-DD, yesterday or Nd (days ago)'),
        limit: z.number().int().min(1).max(50).optional().describe('at most this many hits (default 10)'),
      },
    },
    handle(async ({ query, type, since, limit }: { query: string; type?: string; since?: string; limit?: number }, home, scope) => {
      allow(access.memorySearch(scope));
      let from: string | undefined;
      if (since !== undefined) {
        from = resolveSince(since, localTime(env.now(), home.config.owner.timezone).date);
        if (!from) throw new UserError(`since: expected YYYY-MM-DD, today, yesterday or Nd (like 7d), found "${since}"`);
      }
      const { openSearch } = await import('../home/searchindex.js');
      const index = await openSearch(home.root);
      try {
        const hits = await index.search(query, { types: type ? [type] : undefined, since: from, limit: limit ?? 10 });
        return ok({ query, hits, problems: index.problems.map(formatProblem) });
      } finally {
        index.close();
      }
    }),
  );

  server.registerTool(
    'memory_read',
    {
      title: 'Read a memory',
      description: 'One memory topic in full (front matter and text), or, without a slug, the memory index (memory/MEMORY.md).',
      inputSchema: { slug: z.string().regex(TOPIC_SLUG, 'a topic name such as prefers-trains (lowercase letters, digits, dashes)').optional() },
    },
    handle(async ({ slug }: { slug?: string }, home, scope) => {
      const file = slug ? topicFile(slug) : INDEX_FILE;
      if (scope.kind === 'agent') allow(access.policyAccess(await judgeAction(home, access.memoryRead(scope.caps, file)), access.NOT_READ));
      if (!slug) {
        const text = await readIfExists(join(home.root, file));
        if (text === undefined) throw new UserError(`${file}: there is no memory index yet`);
        return ok({ file, text });
      }
      const { doc, problems } = await readDoc<MemoryFront>(home.root, file, 'memory', home.docs);
      if (!doc) {
        const missing = problems.some((p) => /ENOENT/.test(p.found));
        throw new UserError(missing ? `no memory "${slug}": there is no ${file} (memory_read without a slug gives the index; memory_search finds topics)` : problems.map(formatProblem).join('\n'));
      }
      return ok({ slug, file, ...doc.front, body: doc.body });
    }),
  );

  server.registerTool(
    'inbox_add',
    {
      title: 'Add an inbox item',
      description:
        'Add work to the inbox: it becomes an inbox file that a tick routes to an agent (to names one). The text is the item, kept as data. Committed at once.',
      inputSchema: {
        text: z.string().trim().min(1, 'the text of the item').max(20000),
        to: agentId.optional().describe('the agent that should handle it'),
        priority: z.enum(PRIORITIES).optional(),
      },
    },
    handle(async ({ text, to, priority }: { text: string; to?: string; priority?: (typeof PRIORITIES)[number] }, home, scope) => {
      allow(access.inboxAdd(scope, to));
      if (to) {
        const { agents } = await loadAgents(home.root, home.docs);
        if (!agents.some((a) => a.id === to)) throw new UserError(`to: expected one of the agents (${agents.map((a) => a.id).join(', ')}), found "${to}"`);
      }
      return writer.write(home, env, async () => {
        const at = env.now();
        const tz = home.config.owner.timezone;
        const from = who(scope);
        const kind = scope.kind === 'agent' && to ? 'message' : 'task';
        // The same redaction as aos inbox add: a key pasted into an item never reaches the file.
        const clean = redactItemText(text, home.redact);
        // A brain's hand-off inside a run: the new item belongs to the run's work (aos trace).
        const origin = scope.kind === 'agent' && opts.run ? await runOrigin(home, opts.run) : undefined;
        const { id, file } = await createItem(home.root, env, { text: clean.text, created: localTime(at, tz).iso, from, to, kind, priority: priority ?? 'normal', ...origin }, at);
        const log = await appendLog(home, tz, at, { kind: 'inbox', agent: from, ref: id, body: `Added ${quoteSubject(clean.text, 100)}${to ? ` for ${to}` : ''} (through ${client()}).` });
        const sha = await commitWrite(home, scope, `${scope.kind === 'agent' ? `${scope.id}: inbox add` : 'inbox: add'} ${quoteSubject(clean.text)}`, 'inbox-add', [file, log], { 'Aos-Item': id });
        return ok({ id, file, committed: sha ?? null, ...(clean.redacted.length ? { redacted: clean.redacted } : {}) });
      });
    }),
  );

  server.registerTool(
    'inbox_list',
    {
      title: 'List the inbox',
      description: 'Pending inbox items (with all: handled ones too): id, subject, from, to, kind, priority, status. An agent without inbox:*:read sees the items to or from it.',
      inputSchema: { all: z.boolean().optional().describe('include handled items') },
    },
    handle(async ({ all }: { all?: boolean }, home, scope) => {
      const pending = await loadInbox(home.root, home.docs);
      const done = all ? await loadDone(home.root, home.docs) : { items: [], problems: [] };
      const items = [...pending.items, ...done.items].filter((i) => access.inboxVisible(scope, i.front));
      const problems = scope.kind === 'owner' ? [...pending.problems, ...done.problems].map(formatProblem) : [];
      return ok({ items: items.map(itemView), problems });
    }),
  );

  server.registerTool(
    'log_note',
    {
      title: 'Note in the daily log',
      description: "Note an observation in today's log (a lasting fact about the owner, a decision, a lesson). The nightly dream turns notes into memories. Committed at once.",
      inputSchema: { text: z.string().trim().min(1, 'the text of the note').max(4000) },
    },
    handle(async ({ text }: { text: string }, home, scope) =>
      writer.write(home, env, async () => {
        // Every agent may note its own observations: it is how memory is made (as the note tool).
        const file = await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'note', agent: who(scope), ref: opts.run, body: text });
        const sha = await commitWrite(home, scope, `${who(scope)}: note ${quoteSubject(text)}`, 'note', [file]);
        return ok({ file, committed: sha ?? null });
      }),
    ),
  );

  server.registerTool(
    'goal_list',
    {
      title: 'List goals',
      description: "Goals with their status, owner, deadline, gap and progress (0..1 from baseline to target) and pace against the deadline. An agent sees the goals it owns and those its goal capabilities grant.",
      inputSchema: {},
    },
    handle(async (_args: Record<string, never>, home, scope) => {
      const goals = await loadGoals(home.root, home.docs);
      const today = localTime(env.now(), home.config.owner.timezone).date;
      const visible = goals.docs.filter((g) => access.goalVisible(scope, { slug: g.name, owner: g.front.owner }));
      return ok({
        goals: visible.map((g) => ({ ...summarize(g.name, g.front, goalStart(g.front.created, g.body), today), file: g.file })),
        problems: scope.kind === 'owner' ? goals.problems.map(formatProblem) : [],
      });
    }),
  );

  server.registerTool(
    'agent_list',
    {
      title: 'List agents',
      description: 'The roster: each agent with its name, role, status, routing hints and capabilities.',
      inputSchema: {},
    },
    handle(async (_args: Record<string, never>, home) => {
      const { agents, problems } = await loadAgents(home.root, home.docs);
      return ok({
        agents: agents.map((a) => ({ id: a.id, name: a.front.name, role: a.front.role, status: a.front.status, handles: a.front.handles, capabilities: a.front.capabilities })),
        problems: problems.map(formatProblem),
      });
    }),
  );

  server.registerTool(
    'runs_recent',
    {
      title: 'Recent runs',
      description: 'The newest agent runs: outcome, turns, token usage and cost, item. An agent sees its own runs, or everyone\'s with memory:*:read.',
      inputSchema: { agent: agentId.optional().describe('only runs of this agent'), limit: z.number().int().min(1).max(100).optional().describe('at most this many (default 20)') },
    },
    handle(async ({ agent, limit }: { agent?: string; limit?: number }, home, scope) => {
      const of = agent ?? (scope.kind === 'agent' && !access.memorySearch(scope).allowed ? scope.id : undefined);
      allow(access.runsAccess(scope, of));
      return ok(await recentRuns(home.root, { agent: of, limit: limit ?? 20 }));
    }),
  );

  server.registerTool(
    'goal_log',
    {
      title: 'Log progress on a goal',
      description:
        "Record a practice result, as `aos goal log` does: sets the skill's current value and last_practiced, adds a line to the goal's History and to the daily log. skill \"metric\" sets the goal's metric. Committed at once. An agent needs goal:<slug>:write.",
      inputSchema: {
        goal: z.string().regex(SLUG, 'a goal file name without .md, e.g. ielts-writing'),
        skill: z.string().regex(SLUG, 'a skill id, or "metric"'),
        value: z.number().finite(),
        note: z.string().max(300).optional().describe('one line: the main weakness, or what went well'),
      },
    },
    handle(async ({ goal, skill, value, note }: { goal: string; skill: string; value: number; note?: string }, home, scope) => {
      if (scope.kind === 'agent') allow(access.policyAccess(await judgeAction(home, access.goalLog(scope.caps, goal)), access.NOT_WRITTEN));
      return writer.write(home, env, async () => {
        const { logProgress } = await import('../flows/goallog.js');
        // The writer holds the lock already, so this commit is made here, with the client's trailers.
        const r = await logProgress(home, env, { goal, skill, value, note, exact: scope.kind === 'agent' }, { who: scope.kind === 'agent' ? agentIdentity(scope.id) : home.owner, actor: who(scope), commit: false });
        const sha = await commitWrite(home, scope, `${who(scope)}: goal ${r.goal} ${r.skill} ${r.previous} → ${r.value}`, 'goal-log', [r.file, r.log], { 'Aos-Goal': r.goal, 'Aos-Skill': r.skill });
        return ok({ ...r, commit: sha ?? null });
      });
    }),
  );

  return server;
}

/** Serves until the client closes stdin; writes in progress finish first. */
export async function serveMcp(env: Env, opts: McpOptions): Promise<void> {
  await checkStart(env, opts);
  const server = buildServer(env, opts);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}

/**
 * The item a run works on, as the parent and trace of what its brain files through aos mcp: the
 * run's journal names the item while the run is on. Nothing when the journal is another run's.
 */
async function runOrigin(home: Home, run: string): Promise<{ parent: string; trace: string } | undefined> {
  const j = await readJournal(home.root, run);
  if (j?.run !== run) return undefined;
  const { doc } = await readDoc<InboxFront>(home.root, j.item, 'inbox', home.docs);
  const id = doc?.front.id ?? j.itemId;
  return { parent: id, trace: doc ? traceOf({ id, front: doc.front }) : id };
}
