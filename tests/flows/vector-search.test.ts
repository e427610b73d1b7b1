// aos.yaml memory.embeddings (issue 22, optional): `aos memory search` re-orders its keyword
// candidates by a mix with the owner's embedder's view of each text. Off unless set; each text is
// embedded once; an embedder that fails leaves the keyword order and names the setting; a bad
// setting is refused naming aos.yaml. The embedder is a real child process (a fake model).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, aos, json, newHome, read, tempDir, write } from '../helpers.js';

const FAKE = join(ROOT, 'tests/fixtures/embedder-fake.mjs');
type Hit = { file: string; score: number };

/** Two topics: the roof's says "repair" three times, the car's once, with "car" for "vehicle". */
function home(): string {
  const h = newHome();
  const topic = (title: string, body: string) => `---\ntitle: ${title}\ntype: fact\ndescription: ${title}\ncreated: 2026-11-01\nstatus: active\n---\n${body}\n`;
  write(h, 'memory/roof-works.md', topic('Roof works', 'The roof repair is booked. Repair the tiles first, then the repair of the gutter.'));
  write(h, 'memory/car-service.md', topic('Car service', 'Took the car to the garage for a repair on Friday.'));
  return h;
}

function withEmbedder(h: string, settings: string): void {
  write(h, 'aos.yaml', `${read(h, 'aos.yaml')}\nmemory:\n  embeddings:\n${settings}`);
}

const search = (h: string, q = 'vehicle repair') => aos(['memory', 'search', q, '--type', 'memory', '--json'], { cwd: h });
const files = (r: ReturnType<typeof aos>) => (json(r).hits as Hit[]).map((x) => x.file);

test('off unless set: the keyword order, no vectors kept', () => {
  const h = home();
  // A commented setting is not one.
  write(h, 'aos.yaml', `${read(h, 'aos.yaml')}\n# memory:\n#   embeddings:\n#     command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}]\n`);
  const r = search(h);
  assert.is(r.code, 0, r.stderr);
  assert.equal(files(r).slice(0, 2), ['memory/roof-works.md', 'memory/car-service.md'], 'more "repair" ranks first by keywords');
  assert.not.ok(existsSync(join(h, '.aos/search/vectors.json')));
});

test('set: the closer meaning comes first, and each text is embedded once', () => {
  const h = home();
  const calls = join(tempDir('aos-embed-'), 'calls');
  withEmbedder(h, `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, ${JSON.stringify(calls)}]\n    weight: 0.9\n`);
  const r = search(h);
  assert.is(r.code, 0, r.stderr);
  assert.equal(files(r).slice(0, 2), ['memory/car-service.md', 'memory/roof-works.md']);
  assert.equal(json(r).problems, []);
  const first = readFileSync(calls, 'utf8').trim().split('\n');
  assert.is(first.length, 1, 'one call for the question and every candidate');
  assert.ok(Number(first[0]) >= 3, `the question and both topics: ${first[0]}`);
  // Again: every text has its vector; the embedder is not asked.
  const again = search(h);
  assert.equal(files(again), files(r));
  assert.is(readFileSync(calls, 'utf8').trim().split('\n').length, 1);
  // A new question: only it is embedded.
  search(h, 'repair car');
  assert.equal(readFileSync(calls, 'utf8').trim().split('\n').map(Number).slice(1), [1]);
});

test('an embedder that fails or answers wrong: the keyword order, and the setting named', () => {
  for (const [mode, found] of [['fail', /exited with 3: model file not found/], ['short', /answered 2 vectors for 3 texts/]] as const) {
    const h = home();
    withEmbedder(h, `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "-", ${mode}]\n    weight: 0.9\n`);
    const r = search(h);
    assert.is(r.code, 0, r.stderr);
    assert.equal(files(r).slice(0, 2), ['memory/roof-works.md', 'memory/car-service.md'], mode);
    const [p] = json(r).problems;
    assert.equal([p.file, p.field], ['aos.yaml', 'memory.embeddings.command'], mode);
    assert.match(p.found, found);
    const text = aos(['memory', 'search', 'vehicle repair'], { cwd: h });
    assert.is(text.code, 0);
    assert.match(text.stderr, /aos\.yaml: memory\.embeddings\.command: .*keyword order/, mode);
  }
});

test('a bad setting is refused, naming aos.yaml and the field', () => {
  const h = home();
  withEmbedder(h, `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}]\n    weight: 2\n`);
  const r = search(h);
  assert.is(r.code, 1);
  assert.match(r.stderr, /aos\.yaml/);
  assert.match(r.stderr, /memory\.embeddings\.weight|weight/);
  assert.match(r.stderr, /0 to 1/);
});

test.run();
