// A home worth reporting on, and a real headless Chromium to look at it: shared by the report,
// serve and usage suites. Runs are made by real ticks against the fake Messages API, so run
// records and Aos-Usage trailers are the real ones.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { git, read, write } from './helpers.js';
import { addItem, tick, withModel, type ModelFixture } from './model-helpers.js';

export const HOSTILE = `---
title: Hostile note
type: fact
description: A memory written to attack the page.
created: 2026-11-20
status: active
supersedes: []
---
<script>window.__pwned = 'script'</script>

<img src="x" onerror="window.__pwned = 'img'">

[click me](javascript:window.__pwned='link') and <a href="javascript:window.__pwned='a'">raw</a>

<iframe src="javascript:window.__pwned='iframe'"></iframe>
`;

function memory(slug: string, title: string, extra: string, body: string): [string, string] {
  return [`memory/${slug}.md`, `---\ntitle: ${title}\ntype: fact\ndescription: ${title}.\ncreated: 2026-11-20\n${extra}---\n${body}\n`];
}

// Paused: an active goal files drills, and the ticks would run them.
export const GOAL = `---
title: IELTS writing 7 to 8.5
status: paused
owner: chief
created: 2026-11-01
deadline: 2027-03-01
skills:
  - id: task2-argument
    name: Task 2 argument essays
    weight: 0.6
    baseline: 6.5
    current: 7
    target: 8.0
    cadence: daily
    drill: Write one Task 2 essay.
  - id: task1-data
    name: Task 1 data descriptions
    weight: 0.4
    baseline: 7.0
    current: 7.5
    target: 8.5
    cadence: 3/week
    drill: Describe one chart.
---
## History
- 2026-11-05 task2-argument 6.5 — first essay
- 2026-11-12 task2-argument 6.8
- 2026-11-19 task2-argument 7 — better structure
- 2026-11-08 task1-data 7.0
- 2026-11-18 task1-data 7.5
`;

/** Memories: a supersede chain old-plan → mid-plan → new-plan, a topic about trains, a hostile file. */
export function addHomeFiles(home: string): void {
  const files = [
    memory('old-plan', 'Old travel plan', 'status: superseded\nsuperseded_by: mid-plan\nsupersedes: []\n', 'Fly to Porto.'),
    memory('mid-plan', 'Middle travel plan', 'status: superseded\nsuperseded_by: new-plan\nsupersedes: [old-plan]\n', 'Drive to Porto.'),
    memory('new-plan', 'New travel plan', 'status: active\nsupersedes: [mid-plan]\n', 'Take the train to Porto.'),
    memory('prefers-trains', 'Prefers trains', 'status: active\nsupersedes: []\n', 'The owner likes **locomotives** and sleeper cars.'),
    ['memory/hostile-note.md', HOSTILE] as [string, string],
  ];
  for (const [f, t] of files) write(home, f, t);
  write(
    home,
    'memory/MEMORY.md',
    `# Memory\n- [Old travel plan](old-plan.md) — superseded\n- [Middle travel plan](mid-plan.md) — superseded\n- [New travel plan](new-plan.md) — by train\n- [Prefers trains](prefers-trains.md) — locomotives\n- [Hostile note](hostile-note.md) — attacks\n`,
  );
  write(home, 'goals/ielts.md', GOAL);
  // Budgets, drawn as lines on the spend page and shown by aos status.
  write(home, 'agents/chief.md', read(home, 'agents/chief.md').replace('budget:\n  max_turns: 6', 'budget:\n  max_turns: 6\n  tokens_per_day: 100000\n  usd_per_day: 2'));
  const yaml = read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '');
  write(home, 'aos.yaml', yaml + 'policy:\n  ask: ["file:notes/**:write"]\n  never: ["file:notes/secret/**:write"]\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'report fixtures']);
}

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, cache_read_input_tokens: 7, cache_creation_input_tokens: 3 });

/**
 * A home with two agents that ran: the chief answered twice (one reply carrying hostile HTML),
 * the researcher once after a tool call.
 */
export async function reportHome<T>(fn: (m: ModelFixture & { items: string[] }) => Promise<T>): Promise<T> {
  return withModel(
    {
      replies: [
        { text: 'Done: the plan is <img src=x onerror="window.__pwned=\'record\'"> in notes.', usage: usage(1200, 80) },
        { tools: [{ name: 'search_memory', input: { query: 'trains' } }], usage: usage(900, 40) },
        { text: 'Found: the owner prefers trains.', usage: usage(1500, 120) },
        { text: 'A second answer.', usage: usage(600, 30) },
      ],
    },
    async (m) => {
      addHomeFiles(m.home);
      const items = [addItem(m.home, 'Plan the trip', 'chief'), addItem(m.home, 'find what the owner prefers', 'researcher'), addItem(m.home, 'Say hello', 'chief')];
      for (let i = 0; i < 3; i++) {
        const r = await tick(m.home, m.server);
        assert.ok(r.code === 0 || r.code === 1, `tick ${i}: ${r.stderr}`);
      }
      return fn({ ...m, items });
    },
  );
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A real headless Chromium (Debian's), with a fresh profile; fails loudly when it is missing. */
export async function browser() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: the page tests need Debian's chromium (apt-get install chromium; .ci/run installs it). Not skipped on purpose.`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'aos-chromium-'));
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
