// Homes wired to a model (the fake Messages API, or a command brain), shared by the tick and dream suites.
import { appendFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { aosAsync, bareEnv, copyHome, git, initTemplate, read, template, write, type Result } from './helpers.js';
import { startFakeAnthropic, type FakeReply, type FakeServer } from './fake-anthropic.js';

export const CHIEF = `---
name: Chief
role: Triages and delegates.
capabilities:
  - "memory:*:read"
  - "file:notes/**:read,write"
  - "agent:delegate{to:researcher;max:2}"
budget:
  max_turns: 6
---
You are the chief.
`;
export const RESEARCHER = `---
name: Researcher
role: Finds things out.
handles: ["find *"]
capabilities:
  - "memory:*:read"
  - "agent:delegate{to:chief;max:1}"
---
You are the researcher.
`;

/** The model section that points a home at the fake server (its address comes from envFor). */
export const FAKE_MODEL = 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 5';

/**
 * A home with a two-agent roster, no schedules, no welcome item, and the model pointed at the fake
 * server. Each kind is made once (a template) and copied: the suite asks for a few hundred.
 */
export function modelHome(extraYaml = '', model = FAKE_MODEL): string {
  const key = createHash('sha256').update(JSON.stringify([extraYaml, model])).digest('hex').slice(0, 16);
  return copyHome(template(`roster-${key}`, (dir) => rosterHome(dir, extraYaml, model)));
}

function rosterHome(to: string, extraYaml: string, model: string): void {
  const home = copyHome(initTemplate(), to);
  for (const f of readdirSync(join(home, 'agents'))) rmSync(join(home, 'agents', f));
  rmSync(join(home, 'inbox/welcome.md'));
  write(home, 'agents/chief.md', CHIEF);
  write(home, 'agents/researcher.md', RESEARCHER);
  const yaml = read(home, 'aos.yaml').replace(/provider: none/, model) + extraYaml;
  write(home, 'aos.yaml', yaml);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'test roster']);
}

export function envFor(server: FakeServer | undefined, extra: Record<string, string> = {}) {
  return bareEnv({ ...(server ? { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'test-key' } : {}), ...extra });
}

export function tick(home: string, server?: FakeServer, extra: string[] = []): Promise<Result> {
  return aosAsync(['tick', '--home', home, ...extra], { env: envFor(server) });
}

let added = 0;
/** Items get ids in the order they are added, so the tick's order (oldest first) is known. */
export function addItem(home: string, text: string, to?: string): string {
  const id = `20261121T10${String(added++).padStart(4, '0')}-t${Math.random().toString(36).slice(2, 5)}`;
  write(home, `inbox/${id}.md`, `---\nid: ${id}\nfrom: owner\n${to ? `to: ${to}\n` : ''}kind: task\npriority: normal\ncreated: 2026-11-21T10:00:00+00:00\nstatus: new\n---\n${text}\n`);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', `add ${id}`]);
  return id;
}

export function doneFile(home: string, id: string): string | undefined {
  const root = join(home, 'inbox/done');
  if (!existsSync(root)) return undefined;
  const dirs = (p: string) => readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const y of dirs(root)) for (const m of dirs(join(root, y))) if (existsSync(join(root, y, m, `${id}.md`))) return `inbox/done/${y}/${m}/${id}.md`;
  return undefined;
}

export function commitsWith(home: string, trailer: string): string[] {
  return git(home, ['log', '--format=%H', '--fixed-strings', `--grep=${trailer}`]).split('\n').filter(Boolean);
}

export function runIdOf(home: string, file: string): string {
  return /^run: (r-\S+)$/m.exec(read(home, file))![1]!;
}

export interface ModelSetup {
  /** The fake's scripted replies, served in order (more can be pushed during the test). */
  replies?: FakeReply[];
  /** The fake's answer once the replies run out (default: a 500 saying so). */
  whenEmpty?: FakeReply;
  /** Appended to a new modelHome's aos.yaml. */
  yaml?: string;
  /** An existing home to use instead of a new modelHome: its `provider: none` becomes `model`. */
  home?: string;
  /** The home's model section (default FAKE_MODEL). */
  model?: string;
}

export interface ModelFixture {
  server: FakeServer;
  home: string;
  /** The process environment that points a child aos at the fake (envFor(server)). */
  env: Record<string, string>;
}

/**
 * The fake Messages API started on a free port, a home whose aos.yaml points at it, and the server
 * closed afterwards whatever the test did: the setup and teardown of every model test.
 */
export async function withModel<T>(setup: ModelSetup, fn: (m: ModelFixture) => Promise<T>): Promise<T> {
  const server = await startFakeAnthropic(setup.replies ?? [], setup.whenEmpty ? { whenEmpty: setup.whenEmpty } : {});
  try {
    let home = setup.home;
    if (home) write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/provider: none/, setup.model ?? FAKE_MODEL));
    else home = modelHome(setup.yaml ?? '', setup.model ?? FAKE_MODEL);
    return await fn({ server, home, env: envFor(server) });
  } finally {
    await server.close();
  }
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function logFile(): string {
  const d = today();
  return `logs/${d.slice(0, 4)}/${d.slice(5, 7)}/${d}.md`;
}

/** Appends a note to today's log as an agent would, commits it, and returns its citation. */
export function note(home: string, text: string): string {
  const file = logFile();
  if (!existsSync(join(home, file))) write(home, file, `# ${today()}\n`);
  const time = new Date().toISOString().slice(11, 19);
  appendFileSync(join(home, file), `\n## ${time} · note · chief · r-20261121T000000-aaaa\n${text}\n`);
  const lines = read(home, file).split('\n');
  let line = 0;
  lines.forEach((l, i) => {
    if (l.startsWith('## ')) line = i + 1;
  });
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'note']);
  return `${file}#L${line}`;
}
