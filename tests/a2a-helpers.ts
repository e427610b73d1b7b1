// `aos a2a serve` as a real child process, and the A2A SDK's own client against it (issue 21).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { Role, TaskState, type Task } from '@a2a-js/sdk';
import { AOS, read } from './helpers.js';

export const SELL_YAML = (extra = '') => `
secrets:
  ACME_KEY: env
sell_to_network:
  enabled: true
  capabilities:
    - essay_scoring: { languages: [en, zh], price: $0.01 }
    - summarization: { price: $0.005, examples: ["Summarize this article in three lines"] }
  idle_hours: [22:00-07:00, 09:00-12:00]
  max_tokens_per_job: 20000
  max_usd_per_job: "0.05"
  clients:
    acme: ACME_KEY
${extra}`;

export interface Served {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `aos a2a serve --port 0` and resolves with its URL once it listens. */
export function serveA2A(home: string, env: Record<string, string>, extra: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AOS, 'a2a', 'serve', '--port', '0', '--json', '--home', home, ...extra], { env });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      let url: string | undefined;
      try {
        url = JSON.parse(out).url as string;
      } catch {
        return; // not all of it yet
      }
      {
        resolve({
          url,
          child,
          stderr: () => err,
          stop: () => new Promise((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`aos a2a serve exited ${code}: ${err}`)));
  });
}

/** The SDK's client for a served home; with a key, every request carries it as a bearer token. */
export function a2aClient(url: string, key?: string): Promise<Client> {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (key) headers.set('Authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  };
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })] }));
  return factory.createFromUrl(url);
}

let n = 0;
/** Sends a text for a skill and returns at once with the task as the server has it. */
export async function sendJob(client: Client, skill: string, text: string): Promise<Task> {
  const result = await client.sendMessage({
    tenant: '',
    message: { messageId: `msg-${process.pid}-${n++}`, contextId: '', taskId: '', role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }], metadata: { skill }, extensions: [], referenceTaskIds: [] },
    configuration: { acceptedOutputModes: ['text/plain'], taskPushNotificationConfig: undefined, returnImmediately: true },
    metadata: undefined,
  });
  if (!('status' in result) || !('artifacts' in result)) throw new Error(`expected a task, got ${JSON.stringify(result)}`);
  return result as Task;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The job items in a home's inbox (not yet done). */
export function jobItems(home: string): string[] {
  return readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md') && /kind: job/.test(read(home, `inbox/${f}`)));
}

/** Every ledger record of a home, as text, by path. */
export function ledgerFiles(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  const root = join(home, 'ledger');
  if (!existsSync(root)) return out;
  for (const y of readdirSync(root)) for (const m of readdirSync(join(root, y))) for (const f of readdirSync(join(root, y, m))) out[`ledger/${y}/${m}/${f}`] = read(home, `ledger/${y}/${m}/${f}`);
  return out;
}

export async function finalTask(client: Client, id: string): Promise<Task> {
  return waitFor(`task ${id} to end`, async () => {
    const t = await client.getTask({ tenant: '', id });
    return [TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_REJECTED].includes(t.status!.state) ? t : undefined;
  });
}

export const textOfTask = (t: Task): string => [...(t.status?.message?.parts ?? []), ...t.artifacts.flatMap((a) => a.parts)].map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('\n');
