// The run record: render → parse is exact over tricky content, capping is stable, damage is reported
// with a line, and a record left by a crash still reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { ValidationError, UserError } from '../../cli/errors.js';
import {
  RESULT_CAP,
  capResult,
  parseRunRecord,
  renderRunRecord,
  runRecordPath,
  shortHash,
  type RecordEntry,
  type RunFront,
} from '../../cli/core/runs/runrecord.js';
import type { AssistantBlock, TextBlock, ToolResultBlock } from '../../cli/core/runs/transcript.js';

const FILE = 'logs/runs/2026/11/r-20261121T104500-a1b2.md';

const front: RunFront = {
  run: 'r-20261121T104500-a1b2',
  agent: 'researcher',
  item: '20261121T103205-k3f9',
  trigger: 'inbox',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  device: 'laptop',
  started: '2026-11-21T10:45:00+00:00',
  ended: '2026-11-21T10:45:41+00:00',
  outcome: 'done',
  usage: { input: 5120, output: 812, cache_read: 4096, cache_write: 0 },
  cost_usd: 0.0281,
  prompt: { stable: 'aaaaaaaaaaaa', dynamic: 'bbbbbbbbbbbb', tools: '0123456789ab' },
};

const u = (input: number, output: number) => ({ input, output, cache_read: 0, cache_write: 0 });

const sample: RecordEntry[] = [
  { type: 'user', turn: 1, content: 'Find trains Lisbon → Porto tomorrow morning.' },
  {
    type: 'model',
    turn: 1,
    content: [
      { type: 'text', text: "I'll check the owner's travel notes first." },
      { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'notes/travel.md' } },
    ],
    stop: 'tool_use',
    usage: u(1200, 80),
    request: '3f2a9c1b7d00',
  },
  {
    type: 'user',
    turn: 1,
    content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '# Travel\nPrefers the 08:39 Alfa Pendular.\n' }],
    toolNames: { toolu_01: 'read_file' },
  },
  { type: 'model', turn: 2, content: [{ type: 'text', text: 'Take the 08:39 Alfa Pendular.' }], stop: 'end_turn', usage: u(1400, 40), request: '0a0b0c0d0e0f' },
];

function roundTrip(f: RunFront, entries: RecordEntry[], final?: string) {
  const text = renderRunRecord(f, entries, final);
  const parsed = parseRunRecord(FILE, text);
  return { text, parsed };
}

test('the sample record reads like the example and parses back exactly', () => {
  const { text, parsed } = roundTrip(front, sample, 'Take the 08:39 Alfa Pendular.');
  assert.ok(text.startsWith('---\nrun: r-20261121T104500-a1b2\nagent: researcher\n'));
  assert.match(text, /\nusage: \{ input: 5120, output: 812, cache_read: 4096, cache_write: 0 \}\n/);
  assert.match(text, /\nprompt: \{ stable: aaaaaaaaaaaa, dynamic: bbbbbbbbbbbb, tools: 0123456789ab \}\n/);
  assert.match(text, /\n## 1 · task\n\n```text\nFind trains Lisbon → Porto tomorrow morning.\n```\n/);
  assert.match(text, /\n## 1 · model\nstop: tool_use · in 1200 · out 80 · cache read 0 · cache write 0 · request 3f2a9c1b7d00\n/);
  assert.match(text, /\n### call read_file · toolu_01\n\n```json\n\{\n  "path": "notes\/travel.md"\n\}\n```\n/);
  assert.match(text, /\n## 1 · results\n\n### result read_file · toolu_01\n\n```text\n# Travel\nPrefers the 08:39 Alfa Pendular.\n\n```\n/);
  assert.match(text, /\n## outcome\n\n```text\nTake the 08:39 Alfa Pendular.\n```\n$/);
  assert.not.match(text, /\r/);
  assert.equal(parsed.front, front);
  assert.equal(parsed.entries, sample);
  assert.is(parsed.final, 'Take the 08:39 Alfa Pendular.');
  assert.equal(parsed.messages, [
    { role: 'user', content: sample[0]!.content },
    { role: 'assistant', content: sample[1]!.content },
    { role: 'user', content: sample[2]!.content },
    { role: 'assistant', content: sample[3]!.content },
  ]);
});

// ---------------------------------------------------------------------------------------------
// The round-trip property over tricky content

const TRICKY: string[] = [
  '',
  ' ',
  '\n',
  '\n\n',
  'no newline at end',
  'newline at end\n',
  'two at end\n\n',
  '\nleading newline',
  'trailing spaces   \nand tabs\t\t\n  ',
  '```\ncode inside\n```',
  '````md\n```js\nnested\n```\n````\n',
  '`',
  'a ` b `` c ``` d ```` e',
  '```',
  '   ```',
  '~~~\ntilde fence\n~~~',
  '## 2 · model\nstop: end_turn · in 1 · out 1 · cache read 0 · cache write 0',
  '## outcome\n### call read_file · toolu_99\n### result x · y · error\n### text',
  '---\nrun: fake\noutcome: done\n---\n',
  '---',
  '<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other',
  'windows\r\nline\r\nends\r\n',
  '\r\n',
  'mixed\r\nends\nhere',
  'lone\rcarriage return',
  'ends with CR\r',
  'NUL \u0000 and ESC \u001b[31mred\u001b[0m and DEL \u007f',
  'emoji 😀👩‍👩‍👧 and accents ção naïve 中文',
  'lone surrogate \ud800 here',
  'zero width \u200b and bom \ufeff and line sep \u2028 para \u2029',
  'json-ish "quotes" \\ backslash {"a": 1}',
  '    indented code block\n\tand a tab',
  '> quote\n- list\n| table |\n<!-- comment -->',
];

/** A small deterministic PRNG, so a failure names a seed that reproduces it. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(r: () => number): string {
  if (r() < 0.05) return '```\n'.repeat(3) + 'long '.repeat(1000 + Math.floor(r() * 1000)) + '\r\n';
  const n = Math.floor(r() * 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(TRICKY[Math.floor(r() * TRICKY.length)]!);
  return parts.join(r() < 0.5 ? '' : '\n');
}

const NAMES = ['read_file', 'shell', 'weird name', 'x·y', '"quoted"', '?', 'error', 'a · b'];
const IDS = ['toolu_01', 'toolu_02', 'call 3', 'id · with · dots', 'error', '"'];

function randomEntries(r: () => number): RecordEntry[] {
  const entries: RecordEntry[] = [];
  const turns = 1 + Math.floor(r() * 4);
  entries.push({ type: 'user', turn: 1, content: randomText(r) });
  for (let t = 1; t <= turns; t++) {
    const blocks: AssistantBlock[] = [];
    const calls: { id: string; name: string }[] = [];
    const nb = Math.floor(r() * 4);
    for (let b = 0; b < nb; b++) {
      if (r() < 0.5) blocks.push({ type: 'text', text: randomText(r) });
      else {
        const call = { id: `${IDS[Math.floor(r() * IDS.length)]}-${t}-${b}`, name: NAMES[Math.floor(r() * NAMES.length)]! };
        calls.push(call);
        const inputs: unknown[] = [{ path: randomText(r) }, {}, [], null, 42, 'str', { nested: { deep: [1, 'two', true, null], s: randomText(r) } }];
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: inputs[Math.floor(r() * inputs.length)] });
      }
    }
    const stops = ['end_turn', 'tool_use', 'max_tokens', '', 'weird stop · here'];
    const entry: RecordEntry = { type: 'model', turn: t, content: blocks, stop: stops[Math.floor(r() * stops.length)]!, usage: { input: Math.floor(r() * 1e6), output: Math.floor(r() * 1e4), cache_read: 7, cache_write: 0 } };
    if (r() < 0.7) entry.request = shortHash(String(r()));
    entries.push(entry);
    if (calls.length || r() < 0.3) {
      const results: (TextBlock | ToolResultBlock)[] = calls.map((c) => {
        const res: ToolResultBlock = { type: 'tool_result', tool_use_id: c.id, content: randomText(r) };
        if (r() < 0.3) res.is_error = true;
        return res;
      });
      if (r() < 0.3) results.push({ type: 'text', text: randomText(r) });
      const user: RecordEntry = { type: 'user', turn: t, content: results };
      if (calls.length) user.toolNames = Object.fromEntries(calls.map((c) => [c.id, c.name]));
      entries.push(user);
    }
    if (r() < 0.2) entries.push({ type: 'user', turn: t + 1, content: randomText(r) });
  }
  return entries;
}

test('every tricky text round-trips byte for byte in every position', () => {
  for (const s of TRICKY) {
    const entries: RecordEntry[] = [
      { type: 'user', turn: 1, content: s },
      { type: 'model', turn: 1, content: [{ type: 'text', text: s }, { type: 'tool_use', id: 'toolu_01', name: 'shell', input: { cmd: s } }], stop: 'tool_use', usage: u(1, 2) },
      { type: 'user', turn: 1, content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: s, is_error: true }, { type: 'text', text: s }], toolNames: { toolu_01: 'shell' } },
      { type: 'user', turn: 2, content: [{ type: 'text', text: s }] },
    ];
    const f = { ...front, error: s === '' ? undefined : s };
    if (f.error === undefined) delete f.error;
    const { text, parsed } = roundTrip(f, entries, s);
    assert.not.match(text, /\r/, `no CR in the file for ${JSON.stringify(s)}`);
    assert.not.match(text, /[\u0000\u001b]/, `no control characters in the file for ${JSON.stringify(s)}`);
    assert.equal(parsed.entries, entries, `entries for ${JSON.stringify(s)}`);
    assert.is(parsed.final, s, `final for ${JSON.stringify(s)}`);
    assert.equal(parsed.front, f, `front for ${JSON.stringify(s)}`);
  }
});

/** What the record keeps of entries: the same, with tool results capped. */
function stored(entries: RecordEntry[]): RecordEntry[] {
  return entries.map((e) =>
    e.type === 'user' && Array.isArray(e.content)
      ? { ...e, content: e.content.map((b) => (b.type === 'tool_result' ? { ...b, content: capResult(b.content) } : b)) }
      : e,
  );
}

test('round-trip property: 300 random records (equal apart from capped results)', () => {
  let capped = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const entries = randomEntries(r);
    const final = r() < 0.5 ? randomText(r) : undefined;
    const f: RunFront = { ...front, outcome: final === undefined ? 'running' : 'done' };
    if (final === undefined) delete f.ended;
    const { text, parsed } = roundTrip(f, entries, final);
    if (text.includes('… capped: ')) capped++;
    assert.equal(parsed.entries, stored(entries), `seed ${seed}`);
    assert.is(parsed.final, final, `seed ${seed}`);
    assert.equal(parsed.front, f, `seed ${seed}`);
    assert.is(parsed.messages.length, entries.length, `seed ${seed}`);
    // Rendering what was parsed gives the same file: a resumed run rewrites the record unchanged.
    assert.is(renderRunRecord(parsed.front, parsed.entries, parsed.final), text, `seed ${seed}`);
  }
  assert.ok(capped > 5, `only ${capped} records had a capped result`);
});

test('the fence is longer than any backtick run inside', () => {
  const text = renderRunRecord(front, [{ type: 'user', turn: 1, content: 'a ````` b' }]);
  assert.match(text, /\n``````text\na ````` b\n``````\n/);
});

test('CRLF content is written with LF and marked; odd CRs and control characters as a JSON string', () => {
  const crlf = renderRunRecord(front, [{ type: 'user', turn: 1, content: 'a\r\nb' }]);
  assert.match(crlf, /\n```text crlf\na\nb\n```\n/);
  const lone = renderRunRecord(front, [{ type: 'user', turn: 1, content: 'a\rb\u001b' }]);
  assert.match(lone, /\n```json-string\n"a\\rb\\u001b"\n```\n/);
});

test('a whole file converted to CRLF (an editor, git autocrlf) parses to the same record', () => {
  const entries: RecordEntry[] = [{ type: 'user', turn: 1, content: 'line one\nline two\r\n' }, ...sample.slice(1)];
  const text = renderRunRecord(front, entries, 'done\n');
  const parsed = parseRunRecord(FILE, '\uFEFF' + text.replace(/\n/g, '\r\n'));
  assert.equal(parsed.entries, entries);
  assert.is(parsed.final, 'done\n');
});

test('tool names: from toolNames, else from the call; unknown shows "?" and is not invented', () => {
  const entries: RecordEntry[] = [
    { type: 'user', turn: 1, content: 'go' },
    { type: 'model', turn: 1, content: [{ type: 'tool_use', id: 'toolu_01', name: 'list_files', input: {} }], stop: 'tool_use', usage: u(1, 1) },
    {
      type: 'user',
      turn: 1,
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.md' },
        { type: 'tool_result', tool_use_id: 'toolu_zz', content: 'orphan', is_error: true },
      ],
    },
  ];
  const { text, parsed } = roundTrip(front, entries);
  assert.match(text, /\n### result list_files · toolu_01\n/);
  assert.match(text, /\n### result \? · toolu_zz · error\n/);
  const results = parsed.entries[2]!;
  assert.equal(results, { ...entries[2]!, toolNames: { toolu_01: 'list_files' } } as RecordEntry);
});

test('names and ids that could break a heading are JSON-quoted', () => {
  const entries: RecordEntry[] = [
    { type: 'model', turn: 1, content: [{ type: 'tool_use', id: 'a · b', name: 'my tool\n## 2 · model', input: null }], stop: 'x · y', usage: u(0, 0) },
  ];
  const { text, parsed } = roundTrip(front, entries);
  assert.match(text, /\n### call "my tool\\n## 2 · model" · "a · b"\n/);
  assert.match(text, /\nstop: "x · y" · in 0/);
  assert.equal(parsed.entries, entries);
});

// ---------------------------------------------------------------------------------------------
// Capping

test('a long tool result is capped with its size and hash, and parses back to the stored text', () => {
  const long = 'x'.repeat(12_000) + '\nend `````` of it\n';
  const entries: RecordEntry[] = [
    { type: 'user', turn: 1, content: long }, // the task is never capped
    { type: 'user', turn: 2, content: [{ type: 'tool_result', tool_use_id: 't1', content: long }], toolNames: { t1: 'fetch' } },
  ];
  const { text, parsed } = roundTrip(front, entries);
  const sha = createHash('sha256').update(long).digest('hex').slice(0, 12);
  const stored = 'x'.repeat(RESULT_CAP) + `\n… capped: 12,018 characters in all, sha256 ${sha}…`;
  assert.is(capResult(long), stored);
  assert.ok(text.includes(stored + '\n```\n'));
  assert.is(parsed.entries[0]!.content, long);
  assert.equal(parsed.entries[1]!.content, [{ type: 'tool_result', tool_use_id: 't1', content: stored }]);
  // Rendering again keeps the stored text: capping is applied once.
  assert.is(renderRunRecord(parsed.front, parsed.entries), text);
  assert.is(capResult(stored), stored);
});

test('capping never splits a surrogate pair and counts UTF-16 units', () => {
  const s = 'a'.repeat(RESULT_CAP - 1) + '😀' + 'b'.repeat(10);
  const capped = capResult(s);
  assert.ok(capped.startsWith('a'.repeat(RESULT_CAP - 1) + '\n… capped: 4,011 characters'));
  assert.not.match(capped, /\p{Surrogate}/u);
  assert.is(capResult('y'.repeat(RESULT_CAP)), 'y'.repeat(RESULT_CAP));
});

// ---------------------------------------------------------------------------------------------
// A crash mid-run, damage, truncation

test("a record left 'running' by a crash parses with the entries so far", () => {
  const f: RunFront = { ...front, outcome: 'running' };
  delete f.ended;
  delete f.cost_usd;
  const partial = sample.slice(0, 2); // the model asked for a tool; the result was never written
  const { parsed } = roundTrip(f, partial);
  assert.is(parsed.front.outcome, 'running');
  assert.is(parsed.front.ended, undefined);
  assert.equal(parsed.entries, partial);
  assert.is(parsed.final, undefined);
  assert.equal(parsed.messages.map((m) => m.role), ['user', 'assistant']);
});

test('an empty record (front matter only) parses', () => {
  const { text, parsed } = roundTrip({ ...front, outcome: 'running' }, []);
  assert.is(text.split('\n---\n').length, 2);
  assert.equal(parsed.entries, []);
  assert.equal(parsed.messages, []);
});

function problemOf(text: string): { line?: number; message: string } {
  try {
    parseRunRecord(FILE, text);
  } catch (err) {
    assert.instance(err, ValidationError);
    const p = (err as ValidationError).problems[0]!;
    assert.is(p.file, FILE);
    return { line: p.line, message: (err as Error).message };
  }
  assert.unreachable(`expected a ValidationError for:\n${text}`);
  throw new Error('unreachable');
}

const good = renderRunRecord(front, sample, 'Take the 08:39 Alfa Pendular.');
const goodLines = good.split('\n');
const lineOf = (s: string) => goodLines.indexOf(s) + 1;

test('damaged records: a ValidationError naming the file and the line', () => {
  const cases: [string, string, number | undefined, RegExp][] = [
    ['no front matter', good.replace(/^---\n/, ''), 1, /front matter opened/],
    ['front matter never closed', goodLines.slice(0, 5).join('\n'), 1, /closed by a line "---"/],
    ['bad outcome', good.replace('outcome: done', 'outcome: finished'), lineOf('outcome: done'), /one of running, done, waiting, checkpoint, failed/],
    ['unknown field', good.replace('device: laptop', 'device: laptop\ncolour: blue'), lineOf('device: laptop') + 1, /unknown field "colour"/],
    ['usage not numbers', good.replace('input: 5120', 'input: lots'), lineOf('usage: { input: 5120, output: 812, cache_read: 4096, cache_write: 0 }'), /number/],
    ['missing stop line', good.replace(/\nstop: tool_use[^\n]*/, ''), lineOf('## 1 · model') + 1, /stop: <reason>/],
    ['edited stop line', good.replace('· in 1200 ·', '· in many ·'), lineOf('## 1 · model') + 1, /stop: <reason>/],
    ['stray text in a model section', good.replace('## 1 · results', 'a note I added\n\n## 1 · results'), lineOf('## 1 · results'), /in the model section, found "a note I added"/],
    ['stray text before the first section', good.replace('## 1 · task', '# My run\n\n## 1 · task'), lineOf('## 1 · task'), /section heading like "## 1 · model".*found "# My run"/],
    ['two fences in one message', good.replace('Find trains Lisbon → Porto tomorrow morning.\n```', 'Find trains\n```\n\n```text\nsecond\n```'), lineOf('## 1 · task') + 6, /user message is one fenced block/],
    ['a result in a model section', good.replace('### call read_file · toolu_01', '### result read_file · toolu_01'), lineOf('### call read_file · toolu_01'), /### call/],
    ['a call in a user section', good.replace('### result read_file · toolu_01', '### call read_file · toolu_01'), lineOf('### result read_file · toolu_01'), /### result/],
    ['bad JSON input', good.replace('"path": "notes/travel.md"', '"path": notes/travel.md'), lineOf('```json') + 1, /valid JSON/],
    ['unknown fence info', good.replace('```text\nFind trains', '```python\nFind trains'), lineOf('## 1 · task') + 2, /text, text crlf or json-string/],
    ['text after the outcome', good + '\nP.S.\n', goodLines.length + 1, /nothing after/],
    ['heading with a bad kind', good.replace('## 1 · task', '## 1 · prompt'), 1 + goodLines.indexOf('## 1 · task'), /section heading/],
  ];
  for (const [name, text, line, expected] of cases) {
    const p = problemOf(text);
    assert.match(p.message, expected, name);
    assert.is(p.line, line, `${name}: ${p.message}`);
    assert.match(p.message, new RegExp(`^${FILE.replace(/\./g, '\\.')}:\\d+: `), name);
  }
});

test('truncated records: every cut inside a fence is reported at the open fence', () => {
  // Cut the file after every line; a cut that leaves a fence open must fail, naming its line.
  let openCuts = 0;
  for (let n = goodLines.indexOf('---', 1) + 1; n < goodLines.length - 1; n++) {
    const cut = goodLines.slice(0, n).join('\n') + '\n';
    let open: number | undefined;
    let ticks = '';
    goodLines.slice(0, n).forEach((l, i) => {
      if (open === undefined && /^```/.test(l)) {
        open = i + 1;
        ticks = /^`+/.exec(l)![0];
      } else if (open !== undefined && l === ticks) open = undefined;
    });
    if (open !== undefined) {
      openCuts++;
      const p = problemOf(cut);
      assert.match(p.message, new RegExp(`fence opened on line ${open} closed`), `cut at ${n}`);
      assert.match(p.message, /truncated/);
    } else {
      // A cut between blocks is a shorter record, or fails for a missing stop line; never a wrong parse.
      try {
        const parsed = parseRunRecord(FILE, cut);
        assert.ok(parsed.entries.length <= sample.length);
      } catch (err) {
        assert.instance(err, ValidationError, `cut at ${n}`);
      }
    }
  }
  assert.ok(openCuts >= 8, `only ${openCuts} cuts inside a fence`);
});

test('a merge conflict in the front matter is refused with its line', () => {
  const text = good.replace('device: laptop', '<<<<<<< HEAD\ndevice: laptop\n=======\ndevice: phone\n>>>>>>> other');
  const p = problemOf(text);
  assert.is(p.line, lineOf('device: laptop'));
  assert.match(p.message, /conflict/);
});

// ---------------------------------------------------------------------------------------------
// Paths and hashes

test('runRecordPath files a run by its year and month', () => {
  assert.is(runRecordPath('r-20261121T104500-a1b2'), 'logs/runs/2026/11/r-20261121T104500-a1b2.md');
  assert.is(runRecordPath('r-20270102T000000-zz99'), 'logs/runs/2027/01/r-20270102T000000-zz99.md');
  for (const bad of ['', '20261121T104500-a1b2', 'r-2026-11-21-a1b2', 'r-20261121T104500-a1b2/../../x', 'r-20261121T104500-A1B2']) {
    assert.throws(() => runRecordPath(bad), (e: unknown) => e instanceof UserError && /run id like/.test((e as Error).message), bad);
  }
});

test('shortHash is the first 12 hex characters of sha256', () => {
  assert.is(shortHash(''), 'e3b0c44298fc');
  assert.is(shortHash('ção'), createHash('sha256').update('ção', 'utf8').digest('hex').slice(0, 12));
  assert.match(shortHash('anything'), /^[0-9a-f]{12}$/);
});

test.run();
