// `aos a2a serve`: this home's sold skills over A2A (JSON-RPC), with the official SDK on express.
// Thin, as DESIGN §8 asks: each request reads aos.yaml and the client keys afresh (so
// `enabled: false` and a rotated key count at once), an accepted task becomes an inbox item of kind
// job, and the tick runs it like any other item (the tick stays the only thing that runs agents
// unattended) under the job profile; the server watches the item and answers with its result.
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { AGENT_CARD_PATH, Role, TaskState, type Message, type Task, type TaskStatus } from '@a2a-js/sdk';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, UnauthenticatedUser, type AgentExecutor, type ExecutionEventBus, type RequestContext, type User } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import { decideAcceptance, ownerQueue } from '../core/economy/accept.js';
import { minuteOf } from '../core/economy/idle.js';
import { formatPrice } from '../core/economy/money.js';
import { offerOf, type Offer } from '../core/economy/sellconfig.js';
import { localTime } from '../core/docs/time.js';
import type { Env } from '../env.js';
import { openHome, type Home } from '../home/home.js';
import { createJobItem, jobState } from '../home/jobs.js';
import { loadInbox } from '../home/store.js';
import { agentCard } from './a2acard.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** The public URL the card names (behind a reverse proxy); default http://host:port/. */
  url?: string;
  /** How often a waiting request looks at its job's item. */
  pollMs?: number;
}

/** The client a key belongs to: compared in constant time against every client's current key. */
export function clientOfKey(home: Home, offer: Offer | undefined, key: string): string | undefined {
  const given = Buffer.from(key);
  let found: string | undefined;
  for (const [client, secretName] of Object.entries(offer?.clients ?? {})) {
    const value = home.secret(secretName);
    if (!value) continue;
    const want = Buffer.from(value);
    if (want.length === given.length && timingSafeEqual(want, given)) found = client;
  }
  return found;
}

class Client implements User {
  constructor(readonly name: string) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return this.name;
  }
}

const textOf = (m: Message | undefined): string =>
  (m?.parts ?? []).map((p) => (p.content?.$case === 'text' ? p.content.value : p.content?.$case === 'data' ? JSON.stringify(p.content.value) : '')).filter(Boolean).join('\n\n');

function agentMessage(taskId: string, contextId: string, text: string): Message {
  return { messageId: `m-${taskId}-${Math.abs(hash(text))}`, contextId, taskId, role: Role.ROLE_AGENT, parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }], metadata: undefined, extensions: [], referenceTaskIds: [] };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

class JobExecutor implements AgentExecutor {
  constructor(
    private readonly env: Env,
    private readonly pollMs: number,
  ) {}

  cancelTask = async (): Promise<void> => {
    // A job once in the inbox is the owner's to stop (aos inbox); the client is told so by the task staying as it is.
  };

  async execute(rc: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId } = rc;
    const env = this.env;
    const at = () => env.now().toISOString();
    const status = (state: TaskState, text?: string): TaskStatus => ({ state, timestamp: at(), message: text === undefined ? undefined : agentMessage(taskId, contextId, text) });
    const publishTask = (st: TaskStatus, metadata: Record<string, unknown>) => {
      const task: Task = { id: taskId, contextId, status: st, artifacts: [], history: [rc.userMessage], metadata };
      bus.publish(AgentEvent.task(task));
    };
    const update = (st: TaskStatus, metadata?: Record<string, unknown>) => bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: st, metadata }));
    try {
      const client = rc.context.user?.isAuthenticated ? rc.context.user.userName : undefined;
      const home = await openHome(env, { quiet: true });
      if (home.brokenConfig || !client) {
        publishTask(status(TaskState.TASK_STATE_REJECTED, home.brokenConfig ? 'this agent is not selling work now (its settings need fixing)' : 'no client key'), { refused: 'disabled' });
        return;
      }
      const offer = offerOf(home.config.sell_to_network, home.config.default_agent);
      const tz = home.config.owner.timezone;
      const now = env.now();
      const skill = typeof rc.userMessage.metadata?.skill === 'string' ? rc.userMessage.metadata.skill : undefined;
      const { items } = await loadInbox(home.root, home.docs);
      const d = decideAcceptance({ offer, skill, minute: minuteOf(localTime(now, tz).time), ownerQueue: ownerQueue(items) });
      if (!d.accept) {
        const retry = d.retryInMinutes === undefined ? {} : { retry_after: localTime(new Date(now.getTime() + d.retryInMinutes * 60_000), tz).iso.replace(/:\d\d([+-])/, ':00$1') };
        publishTask(status(TaskState.TASK_STATE_REJECTED, 'retry_after' in retry ? `${d.reason} (${retry.retry_after})` : d.reason), { refused: d.why, ...retry });
        return;
      }
      const text = textOf(rc.userMessage).trim();
      if (!text) {
        publishTask(status(TaskState.TASK_STATE_REJECTED, 'the message has no text to work on'), { refused: 'empty' });
        return;
      }
      const price = formatPrice(d.skill.price.micros, d.skill.price.currency);
      const job = await createJobItem(home.root, env, { text, created: localTime(now, tz).iso, client, skill: d.skill.id, price, agent: d.skill.agent, task: taskId });
      const meta = { job: job.id, skill: d.skill.id, price };
      publishTask(status(TaskState.TASK_STATE_SUBMITTED), meta);
      update(status(TaskState.TASK_STATE_WORKING, `accepted as job ${job.id}; the next tick does it`), meta);
      const deadline = Date.now() + (offer?.waitMinutes ?? 30) * 60_000;
      for (;;) {
        const s = await jobState(home.root, job.id);
        if (s.state === 'done') {
          bus.publish(AgentEvent.artifactUpdate({ taskId, contextId, artifact: { artifactId: `${job.id}-result`, name: 'result', description: `${d.skill.id} by ${home.config.owner.name}'s aos`, parts: agentMessage(taskId, contextId, s.result).parts, metadata: undefined, extensions: [] }, append: false, lastChunk: true, metadata: undefined }));
          update(status(TaskState.TASK_STATE_COMPLETED), meta);
          return;
        }
        if (s.state === 'failed' || s.state === 'gone') {
          update(status(TaskState.TASK_STATE_FAILED, s.state === 'gone' ? 'the job was removed by the owner' : `the job failed: ${s.result}`), meta);
          return;
        }
        if (Date.now() > deadline) {
          // Still queued: the task stays working; the client asks for it later (tasks/get).
          return;
        }
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
    } catch (err) {
      env.out.warn(`aos a2a serve: task ${taskId}: ${(err as Error).message}`);
      update(status(TaskState.TASK_STATE_FAILED, 'the job could not be taken'));
    } finally {
      bus.finished();
    }
  }
}

/** Starts the server; resolves once it listens, with its address and a close(). */
export async function serveA2A(home: Home, env: Env, opts: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const at = (port: number) => `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}/`;
  // Known once the server listens (port 0 asks the system for a free one).
  let url = opts.url ?? at(opts.port);
  const cardNow = async () => {
    const fresh = await openHome(env, { quiet: true });
    const offer = offerOf(fresh.config.sell_to_network, fresh.config.default_agent);
    return agentCard(offer ?? { enabled: false, skills: [], windows: [], maxOwnerQueue: 0, maxTokensPerJob: 0, maxUsdMicrosPerJob: 0, waitMinutes: 0, clients: {} }, fresh.config.owner.name, url);
  };
  const offer = offerOf(home.config.sell_to_network, home.config.default_agent);
  const handler = new DefaultRequestHandler(agentCard(offer!, home.config.owner.name, url), new InMemoryTaskStore(), new JobExecutor(env, opts.pollMs ?? 500));
  const app = express();
  app.disable('x-powered-by');
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: cardNow }));
  // No key, no work: every call but the card needs a client's bearer key, checked against the keys as they are now.
  app.use(async (req, res, next) => {
    try {
      const auth = req.headers.authorization ?? '';
      const key = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      const fresh = await openHome(env, { quiet: true });
      const client = key ? clientOfKey(fresh, offerOf(fresh.config.sell_to_network, fresh.config.default_agent), key) : undefined;
      if (!client) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: key ? 'this client key is not known here' : 'a client key is required (Authorization: Bearer <key>)' });
        return;
      }
      (req as unknown as { a2aClient: string }).a2aClient = client;
      next();
    } catch (err) {
      env.out.warn(`aos a2a serve: ${(err as Error).message}`);
      res.status(503).json({ error: 'this agent cannot take work now' });
    }
  });
  app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: async (req) => {
    const client = (req as unknown as { a2aClient?: string }).a2aClient;
    return client ? new Client(client) : new UnauthenticatedUser();
  } }));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  if (!opts.url && typeof addr === 'object' && addr) url = at(addr.port);
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

