// Table tests for core/missions/gates.ts: the secret scan of a mission's diff names file, line in the
// new file and kind (never the value); the bench's figure is the last number printed; its verdict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from 'valibot';
import { BenchSchema, benchFigure, benchVerdict, describeFinding, gatesDocument, secretsInChange } from '../../cli/core/missions/gates.js';

// Built from parts so no key-shaped literal sits in the repository.
const ant = 'sk-' + 'ant-api03-' + 'Xq7Lm2Pz9Rt4Vw8Ky1Bn5Cd3Fg6Hj0';
const ghp = 'ghp' + '_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

const DIFF = [
  'diff --git a/src/app.js b/src/app.js',
  'index 1111111..2222222 100644',
  '--- a/src/app.js',
  '+++ b/src/app.js',
  '@@ -10,0 +11,2 @@ function main() {',
  '+  const name = "app";',
  `+  const token = "${ghp}";`,
  '@@ -40 +42 @@',
  `-  const old = "${ant}";`,
  '+  const old = process.env.KEY;',
  'diff --git a/new.env b/new.env',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/new.env',
  '@@ -0,0 +1,3 @@',
  '+# keys',
  '+',
  `+ANTHROPIC_API_KEY=${ant}`,
  'diff --git a/gone.js b/gone.js',
  'deleted file mode 100644',
  '--- a/gone.js',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  `-x = "${ant}"`,
].join('\n');

test('secretsInChange: added lines only, with the line in the new file and the kind', () => {
  const found = secretsInChange(DIFF);
  assert.equal(found, [
    { file: 'src/app.js', line: 12, kind: 'GitHub token' },
    { file: 'new.env', line: 3, kind: 'Anthropic API key' },
  ]);
  assert.equal(found.map(describeFinding), ['src/app.js:12 (GitHub token)', 'new.env:3 (Anthropic API key)']);
  assert.not.ok(JSON.stringify(found).includes(ant.slice(10)), 'the value is never in a finding');
  assert.equal(secretsInChange(''), []);
});

test('benchFigure: the last number printed', () => {
  assert.is(benchFigure('warming up 3 runs\nscore: 41.5\n'), 41.5);
  assert.is(benchFigure('ops/s 1,234,567'), 1234567);
  assert.is(benchFigure('delta -2.5e3'), -2500);
  assert.is(benchFigure('fast'), undefined);
});

test('benchVerdict: threshold, exit code, time limit and a bench that prints no number', () => {
  const b = { command: 'node b.js', min: 10 };
  assert.equal(benchVerdict(b, 0, false, 'score 12', 'aos.yaml'), { ok: true, figure: 12 });
  const low = benchVerdict(b, 0, false, 'score 9', 'aos.yaml');
  assert.equal(low, { ok: false, figure: 9, kind: 'threshold', reason: 'the bench `node b.js` measured 9; it must be at least 10' });
  assert.is(benchVerdict({ command: 'x', min: 1, max: 2 }, 0, false, '3', 'f').ok, false);
  assert.match((benchVerdict({ command: 'x', min: 1, max: 2 }, 0, false, '3', 'f') as { reason: string }).reason, /between 1 and 2/);
  assert.equal(benchVerdict({ command: 'x', max: 2 }, 0, false, '2', 'f'), { ok: true, figure: 2 });
  assert.is((benchVerdict(b, 1, false, 'score 12', 'aos.yaml') as { kind: string }).kind, 'command');
  assert.match((benchVerdict({ ...b, timeout_seconds: 5 }, 124, true, '', 'aos.yaml') as { reason: string }).reason, /timed out \(killed after 5 s\)/);
  const none = benchVerdict(b, 0, false, 'done', 'missions/m-1/mission.md (bench:)');
  assert.equal(none, { ok: false, kind: 'config', reason: 'missions/m-1/mission.md (bench:): the bench `node b.js` printed no number; its figure is the last number its output prints' });
});

test('BenchSchema: a threshold is required, min no larger than max', () => {
  assert.ok(v.safeParse(BenchSchema, { command: 'x', min: 1 }).success);
  assert.not.ok(v.safeParse(BenchSchema, { command: 'x' }).success);
  assert.not.ok(v.safeParse(BenchSchema, { command: 'x', min: 3, max: 1 }).success);
  assert.not.ok(v.safeParse(BenchSchema, { command: 'x', min: 'fast' }).success);
  assert.not.ok(v.safeParse(BenchSchema, { command: ' ', min: 1 }).success);
});

test('gatesDocument: the latest verdict first, the bench output redacted, history kept below', () => {
  const doc = gatesDocument('m-1', '2026-12-07T10:00:00+00:00', 1, {
    head: 'a'.repeat(40), critic: 'none configured', rulebook: 'ok (1 files)', secrets: [], scanned: 1,
    bench: { command: 'node b.js', threshold: 'at least 10', figure: 9, ok: false, reason: 'measured 9', exitCode: 0, durationMs: 5, hash: 'f'.repeat(64), sandboxed: true, tail: `key ${ant}\n9`, configured: 'mission.md bench:' },
  }, false, '## Round 0: passed (bbbbbbbbbbbb)\n\n- old\n');
  assert.match(doc, /^# Gates of m-1\n\nLatest: FAILED at 2026-12-07T10:00:00\+00:00 at aaaaaaaaaaaa \(round 1\)\./);
  assert.ok(doc.indexOf('## Round 1: failed') < doc.indexOf('## Round 0: passed'));
  assert.not.ok(doc.includes(ant), 'a key the bench printed is redacted');
  assert.match(doc, /REDACTED_ANTHROPIC_API_KEY/);
});

test.run();
