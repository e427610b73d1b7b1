// Files as work (issue 20): a watched folder outside the home files each new or changed file once,
// copies it into the home and never touches the source; an image and a PDF reach the model as image
// and document blocks; a text file dropped in the inbox is read as text; a type the model cannot take
// is reported once and kept. Real CLI, real git, the fake Messages API recording each request.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, git, read, ROOT, tempDir, write } from '../helpers.js';
import { envFor, withModel, type ModelFixture } from '../model-helpers.js';

// A real 1×1 PNG and a small complete PDF: the bytes the Messages API would take.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const pdf = (words: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\n% ${words}\ntrailer <</Root 1 0 R>>\n%%EOF\n`);

function researcher(grant: string): string {
  return `---\nname: Researcher\nrole: Reads papers and screenshots.\ncapabilities:\n  - "memory:*:read"\n${grant ? `  - "${grant}"\n` : ''}---\nYou are the researcher.\n`;
}

const WATCH = 'watch:\n  folders:\n    - folder: ~/Downloads\n      patterns: ["*.pdf", "*.png"]\n      agent: researcher\n      task: Summarise this file\n';

/** A user home folder with Downloads/, fixed for every tick of a test (bareEnv makes a new one per call). */
function userHome(): { dir: string; downloads: string } {
  const dir = tempDir('aos-user-');
  const downloads = join(dir, 'Downloads');
  mkdirSync(downloads);
  return { dir, downloads };
}

function tickWith(m: ModelFixture, user: string) {
  return aosAsync(['tick', '--home', m.home], { env: { ...m.env, HOME: user } });
}

function blocksOf(body: any): any[] {
  const first = body.messages[0];
  return typeof first.content === 'string' ? [{ type: 'text', text: first.content }] : first.content;
}

function pendingAndDone(home: string): string[] {
  const walk = (dir: string): string[] => (existsSync(join(home, dir)) ? readdirSync(join(home, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'files' ? [] : walk(`${dir}/${e.name}`)) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : [])) : []);
  return walk('inbox').filter((f) => !f.includes('/approvals/'));
}

test('a watched folder: a PDF and a PNG each become one item, sent as document and image blocks; a second tick files nothing; a changed file files again; the sources are untouched', async () => {
  const user = userHome();
  const a = join(user.downloads, 'paper.pdf');
  const b = join(user.downloads, 'shot.png');
  writeFileSync(a, pdf('first'));
  writeFileSync(b, PNG);
  writeFileSync(join(user.downloads, 'notes.docx'), 'not watched: no pattern takes it');
  const old = new Date('2026-01-02T03:04:05Z');
  utimesSync(a, old, old);
  utimesSync(b, old, old);
  await withModel({ yaml: WATCH, replies: [{ text: 'Summary one.' }, { text: 'Summary two.' }] }, async (m) => {
    write(m.home, 'agents/researcher.md', researcher(`file:${user.downloads}/**:read`));
    git(m.home, ['commit', '-qam', 'grant']);
    const r1 = await tickWith(m, user.dir);
    assert.is(r1.code, 0, r1.stdout + r1.stderr);
    assert.match(r1.stdout, /filed \S+ from ~\/Downloads\/paper\.pdf/);
    assert.match(r1.stdout, /filed \S+ from ~\/Downloads\/shot\.png/);
    assert.not.match(r1.stdout, /notes\.docx/);
    assert.is(m.server.requests.length, 2, 'one run per file');
    const blocks = m.server.requests.flatMap((q) => blocksOf(q.body));
    const doc = blocks.find((x) => x.type === 'document');
    const img = blocks.find((x) => x.type === 'image');
    assert.ok(doc, 'a document block');
    assert.equal(doc.source, { type: 'base64', media_type: 'application/pdf', data: pdf('first').toString('base64') });
    assert.ok(img, 'an image block');
    assert.equal(img.source, { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') });
    assert.ok(blocks.some((x) => x.type === 'text' && /Summarise this file/.test(x.text)), 'the task goes with the file');
    // Copied into the home, git-ignored (watch.commit_files is false), the item committed.
    const copies = readdirSync(join(m.home, 'inbox/files'));
    assert.is(copies.length, 2);
    for (const id of copies) assert.ok(readdirSync(join(m.home, 'inbox/files', id)).some((n) => n === 'paper.pdf' || n === 'shot.png'));
    assert.not.match(git(m.home, ['ls-files']), /inbox\/files\/.*\.(pdf|png)/);
    assert.match(git(m.home, ['log', '--format=%B']), /Aos-Kind: watch/);
    assert.is(git(m.home, ['status', '--porcelain']).trim(), '', 'nothing left uncommitted');

    // Nothing new: nothing filed, no call.
    const r2 = await tickWith(m, user.dir);
    assert.is(r2.code, 0, r2.stderr);
    assert.not.match(r2.stdout, /filed/);
    assert.is(m.server.requests.length, 2);
    assert.is(pendingAndDone(m.home).length, 2);

    // Touched but the same bytes: not again. Changed bytes: filed again.
    utimesSync(b, new Date(), new Date());
    writeFileSync(a, pdf('second version'));
    m.server.push({ text: 'Summary three.' });
    const r3 = await tickWith(m, user.dir);
    assert.is(r3.code, 0, r3.stderr);
    assert.match(r3.stdout, /filed \S+ from ~\/Downloads\/paper\.pdf/);
    assert.not.match(r3.stdout, /shot\.png/);
    assert.is(m.server.requests.length, 3);
    assert.ok(blocksOf(m.server.requests[2]!.body).some((x) => x.type === 'document' && x.source.data === pdf('second version').toString('base64')));
    assert.is(pendingAndDone(m.home).length, 3);
  });
  // The sources: same bytes, never moved or deleted, the untouched one with its old mtime.
  assert.equal(readFileSync(a), pdf('second version'));
  assert.equal(readFileSync(b), PNG);
  assert.ok(existsSync(join(user.downloads, 'notes.docx')));
});

test('a watcher whose agent has no read grant over the folder is refused, naming the grant to add; other work goes on', async () => {
  const user = userHome();
  writeFileSync(join(user.downloads, 'paper.pdf'), pdf('x'));
  await withModel({ yaml: WATCH, replies: [{ text: 'done' }] }, async (m) => {
    write(m.home, 'agents/researcher.md', researcher(''));
    write(m.home, 'inbox/other.md', 'Plan the week\n');
    git(m.home, ['add', '-A']);
    git(m.home, ['commit', '-qm', 'no grant']);
    const r = await tickWith(m, user.dir);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`aos\\.yaml: watch\\.folders\\.0: expected a read grant for researcher over the watched folder, found no capability grants file read on ${user.downloads}/x\\.pdf`));
    assert.match(r.stderr, new RegExp(`add "file:${user.downloads}/\\*\\*:read" to the capabilities in agents/researcher\\.md`));
    assert.not.ok(existsSync(join(m.home, 'inbox/files')), 'nothing filed');
    assert.is(m.server.requests.length, 1, 'the other item ran');
    assert.match(JSON.stringify(m.server.requests[0]!.body.messages), /Plan the week/);
  });
});

test('a .csv dropped in the inbox is read as text into its item; a .exe is reported once, kept, and the tick goes on', async () => {
  await withModel({ replies: [{ text: 'Totals: 3.' }] }, async (m) => {
    write(m.home, 'inbox/sales.csv', 'month,total\njan,1\nfeb,2\n');
    writeFileSync(join(m.home, 'inbox/setup.exe'), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]));
    const r1 = await aosAsync(['tick', '--home', m.home], { env: m.env });
    assert.is(r1.code, 0, r1.stdout + r1.stderr);
    assert.match(r1.stdout, /filed \S+ from inbox\/sales\.csv/);
    assert.match(r1.stdout, /moved inbox\/setup\.exe to inbox\/unsupported\/setup\.exe: not sent to the model: the model takes images \(png, jpeg, gif, webp\), PDFs and text files .* not \.exe/);
    assert.is(m.server.requests.length, 1);
    const sent = JSON.stringify(m.server.requests[0]!.body.messages[0]);
    assert.match(sent, /month,total\\njan,1\\nfeb,2/, 'the csv is in the text the model reads');
    assert.not.match(sent, /"type":"(image|document)"/);
    // Kept: the exe as it was, the csv with its item.
    assert.equal(readFileSync(join(m.home, 'inbox/unsupported/setup.exe')), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]));
    const [id] = readdirSync(join(m.home, 'inbox/files'));
    assert.is(read(m.home, `inbox/files/${id}/sales.csv`), 'month,total\njan,1\nfeb,2\n');
    assert.match(git(m.home, ['ls-files']), new RegExp(`inbox/files/${id}/sales\\.csv`), 'the owner\'s own file is committed');
    const today = new Date().toISOString().slice(0, 10);
    const log = read(m.home, `logs/${today.slice(0, 4)}/${today.slice(5, 7)}/${today}.md`);
    assert.match(log, /inbox\/setup\.exe is not sent to the model/);
    assert.match(log, /inbox\/sales\.csv became item/);
    // Reported once by the tick; aos status keeps showing what is kept.
    const r2 = await aosAsync(['tick', '--home', m.home], { env: m.env });
    assert.is(r2.code, 0, r2.stderr);
    assert.not.match(r2.stdout + r2.stderr, /setup\.exe|sales\.csv/);
    const status = aos(['status', '--home', m.home], { env: m.env });
    assert.match(status.stdout, /1 file kept, not sent to the model \(inbox\/unsupported\/; the daily log says why\): setup\.exe/);
    assert.equal(JSON.parse(aos(['status', '--home', m.home, '--json'], { env: m.env }).stdout).kept_files, ['inbox/unsupported/setup.exe']);
  });
});

test('an image or PDF dropped in the inbox is attached; a broken one and one over the cap are kept and not sent', async () => {
  await withModel({ yaml: 'inbox:\n  max_image_kb: 1\n', replies: [{ text: 'A slide.' }] }, async (m) => {
    writeFileSync(join(m.home, 'inbox/slide.png'), PNG);
    writeFileSync(join(m.home, 'inbox/big.png'), Buffer.concat([PNG, Buffer.alloc(2048)]));
    write(m.home, 'inbox/half.pdf', '%PDF-1.4 cut off in the middle');
    const r = await aosAsync(['tick', '--home', m.home], { env: m.env });
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /moved inbox\/big\.png to inbox\/unsupported\/big\.png: not sent to the model: an image of 3 KB, over the cap of 1 KB \(inbox\.max_image_kb\)/);
    assert.match(r.stdout, /moved inbox\/half\.pdf to inbox\/unsupported\/half\.pdf: not sent to the model: it is not a complete PDF/);
    assert.is(m.server.requests.length, 1);
    const blocks = blocksOf(m.server.requests[0]!.body);
    assert.equal(blocks[0].source, { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') });
    // The item is routed by the file's name, and it goes to done with its attachment left in place.
    const done = pendingAndDone(m.home).find((f) => f.includes('/done/'))!;
    assert.match(read(m.home, done), /^subject: slide\.png$/m);
    const att = /^attachment: (\S+)$/m.exec(read(m.home, done))![1]!;
    assert.equal(readFileSync(join(m.home, att)), PNG);
    assert.ok(statSync(join(m.home, att)).isFile());
  });
});

test('aos tick --dry-run says which dropped files would become items; a command brain is given the file path, not the bytes', async () => {
  const brain = join(ROOT, 'tests/fixtures/brain-echo.mjs');
  await withModel({ model: `provider: command\n  command: ["${process.execPath}", "${brain}"]\n  timeout_seconds: 20` }, async (m) => {
    writeFileSync(join(m.home, 'inbox/slide.png'), PNG);
    writeFileSync(join(m.home, 'inbox/tool.exe'), 'MZ');
    const plan = aos(['tick', '--dry-run', '--home', m.home], { env: m.env });
    assert.match(plan.stdout, /would file inbox\/slide\.png as an item carrying it/);
    assert.match(plan.stdout, /would move inbox\/tool\.exe to inbox\/unsupported\//);
    assert.ok(existsSync(join(m.home, 'inbox/slide.png')), 'a dry run moves nothing');
    const r = await aosAsync(['tick', '--home', m.home], { env: m.env });
    assert.is(r.code, 0, r.stdout + r.stderr);
    const done = pendingAndDone(m.home).find((f) => f.includes('/done/'))!;
    const text = read(m.home, done);
    const att = /^attachment: (\S+)$/m.exec(text)![1]!;
    assert.match(text, new RegExp(`\\(Attached file: ${att.replace(/[.]/g, '\\.')} \\(image/png\\)\\. Read it from the home folder`));
    assert.not.match(text, new RegExp(PNG.toString('base64').slice(0, 24).replace(/[+/]/g, '.')), 'no bytes in the prompt');
  });
});

test('a broken watch: entry names aos.yaml and the key', () => {
  const home = tempDir();
  const r0 = aos(['init', join(home, 'h'), '--owner', 'Tess', '--timezone', 'UTC']);
  assert.is(r0.code, 0, r0.stderr);
  const h = join(home, 'h');
  write(h, 'aos.yaml', read(h, 'aos.yaml') + 'watch:\n  folders:\n    - folder: Downloads\n      patterns: ["*.pdf"]\n      task: Read it\n    - folder: ~/Pictures\n      agent: Chief\n      task: Look\n');
  const r = aos(['status', '--home', h], { env: envFor(undefined) });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /aos\.yaml:\d+: watch\.folders\.0\.folder: expected a folder outside the home: ~\/Downloads or an absolute path, found "Downloads"/);
  assert.match(r.stderr, /aos\.yaml:\d+: watch\.folders\.0: expected an agent \(or a chain\) to hand each new file to/);
  assert.match(r.stderr, /aos\.yaml:\d+: watch\.folders\.1\.agent: expected an id of lowercase letters/);
});

test.run();
