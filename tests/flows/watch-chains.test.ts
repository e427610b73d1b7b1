// Issue 20: a watcher with `chain:` starts a chain run for each new or changed file of its folder.
// The file is copied into the home (inbox/files/<run>/), the run's first step carries it (so a PNG
// reaches the model as an image block) and its input names it; the source is never touched. The
// tick is killed at the worst moments (before the run's commit, after it and before the watcher's
// memory is saved) and the file still starts exactly one run. Real CLI, real git, real folders,
// the real SDK against the fake Messages API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aosAsync, git, json, read, tempDir, write } from '../helpers.js';
import { envFor, withModel, type ModelFixture } from '../model-helpers.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const CHAIN = `description: Look at a screenshot, then file a note about it
steps:
  - name: look
    agent: researcher
    task: "Describe what this screenshot shows. {{input}}"
  - name: note
    agent: chief
    task: |
      File a note about this description:
      {{previous}}
`;

const WATCH = 'watch:\n  folders:\n    - folder: ~/Downloads\n      patterns: ["*.png"]\n      chain: look-note\n      task: A new screenshot\n';

function researcher(downloads: string): string {
  return `---\nname: Researcher\nrole: Looks at screenshots.\ncapabilities:\n  - "memory:*:read"\n  - "file:${downloads}/**:read"\n---\nYou are the researcher.\n`;
}

function userHome(): { dir: string; downloads: string } {
  const dir = tempDir('aos-user-');
  const downloads = join(dir, 'Downloads');
  mkdirSync(downloads);
  return { dir, downloads };
}

function setUp(m: ModelFixture, downloads: string): void {
  write(m.home, 'chains/look-note.yaml', CHAIN);
  write(m.home, 'agents/researcher.md', researcher(downloads));
  git(m.home, ['add', '-A']);
  git(m.home, ['commit', '-qm', 'chain and grant']);
}

const tickWith = (m: ModelFixture, user: string) => aosAsync(['tick', '--home', m.home], { env: { ...m.env, HOME: user } });

function blocksOf(body: any): any[] {
  const first = body.messages[0];
  return typeof first.content === 'string' ? [{ type: 'text', text: first.content }] : first.content;
}

/** The model requests that carried the screenshot as an image block. */
const imageRequests = (m: ModelFixture) => m.server.requests.filter((q) => blocksOf(q.body).some((b) => b.type === 'image' && b.source.data === PNG.toString('base64')));
const runFiles = (home: string) => (existsSync(join(home, 'chains/runs')) ? readdirSync(join(home, 'chains/runs')).filter((n) => n.endsWith('.md')) : []);
const copies = (home: string) => (existsSync(join(home, 'inbox/files')) ? readdirSync(join(home, 'inbox/files')) : []);
const watchState = (home: string) => JSON.parse(read(home, '.aos/watch.json')).files as Record<string, { run?: string; pending?: boolean }>;

test('a PNG in a watched folder with chain: starts one run whose first step sends the image; a second tick starts nothing; a changed file starts again; the source is untouched', async () => {
  const user = userHome();
  const shot = join(user.downloads, 'shot.png');
  writeFileSync(shot, PNG);
  const old = new Date('2026-01-02T03:04:05Z');
  utimesSync(shot, old, old);
  await withModel({ yaml: WATCH, replies: [{ text: 'A login form with an error.' }, { text: 'Noted.' }] }, async (m) => {
    setUp(m, user.downloads);
    // The dry run foresees it, reading only: nothing copied, started or remembered.
    const dry = await aosAsync(['tick', '--home', m.home, '--dry-run', '--json'], { env: { ...m.env, HOME: user.dir } });
    assert.is(dry.code, 0, dry.stdout + dry.stderr);
    assert.equal(json(dry).watched, [{ source: '~/Downloads/shot.png', would: 'start', chain: 'look-note', agent: 'researcher' }]);
    assert.equal([runFiles(m.home), copies(m.home), existsSync(join(m.home, '.aos/watch.json'))], [[], [], false]);
    const r1 = await tickWith(m, user.dir);
    assert.is(r1.code, 0, r1.stdout + r1.stderr);
    const started = /started chain look-note run (\S+) from ~\/Downloads\/shot\.png/.exec(r1.stdout);
    assert.ok(started, r1.stdout);
    const run = started![1]!;
    assert.equal(runFiles(m.home), [`${run}.md`]);
    const runText = read(m.home, `chains/runs/${run}.md`);
    assert.match(runText, /^trigger: watch:~\/Downloads\/shot\.png$/m);
    assert.match(runText, new RegExp(`^attachment: inbox/files/${run.toLowerCase().replace(/\./g, '\\.')}/shot\\.png$`, 'm'));
    assert.match(runText, /A new screenshot: shot\.png/);
    // Step 1 ran in this tick with the image block, the input naming the file.
    assert.is(m.server.requests.length, 1, 'one model call: step 1');
    assert.is(imageRequests(m).length, 1, 'the image block reached the model');
    const text = blocksOf(m.server.requests[0]!.body).filter((b) => b.type === 'text').map((b) => b.text).join('\n');
    assert.match(text, /Describe what this screenshot shows/);
    assert.match(text, /shot\.png \(PNG image, 1 KB\), from ~\/Downloads\/shot\.png/);
    assert.match(read(m.home, `chains/runs/${run}.md`), /^ {4}status: done$/m, 'step 1 is done');
    assert.equal(readFileSync(join(m.home, 'inbox/files', run.toLowerCase(), 'shot.png')), PNG, 'the copy in the home');
    assert.not.match(git(m.home, ['ls-files']), /shot\.png/, 'watch.commit_files is false: the copy is git-ignored');
    assert.match(git(m.home, ['log', '--format=%B']), new RegExp(`Aos-Kind: watch\\n(.*\\n)*Aos-Chain-Run: ${run.replace(/\./g, '\\.')}`));
    assert.is(git(m.home, ['status', '--porcelain']), '');
    const shown = json(await aosAsync(['chain', 'show', run, '--json', '--home', m.home], { env: m.env }));
    assert.equal([shown.attachment, shown.source], [`inbox/files/${run.toLowerCase()}/shot.png`, '~/Downloads/shot.png']);
    const listed = await aosAsync(['chain', 'list', '--home', m.home], { env: m.env });
    assert.match(listed.stdout, /look-note +look → note +aos chain run; files in ~\/Downloads/);

    // The next tick runs step 2 and starts nothing new.
    const r2 = await tickWith(m, user.dir);
    assert.is(r2.code, 0, r2.stdout + r2.stderr);
    assert.not.match(r2.stdout, /started chain/);
    assert.equal(runFiles(m.home), [`${run}.md`]);
    assert.is(imageRequests(m).length, 1);
    assert.match(read(m.home, `chains/runs/${run}.md`), /^status: done$/m);

    // Touched only: nothing. Changed bytes: a second run.
    utimesSync(shot, new Date(), new Date());
    const r3 = await tickWith(m, user.dir);
    assert.not.match(r3.stdout, /started chain/);
    const changed = Buffer.concat([PNG, Buffer.from('trailing bytes')]);
    writeFileSync(shot, changed);
    m.server.push({ text: 'The same form, edited.' });
    const r4 = await tickWith(m, user.dir);
    assert.is(r4.code, 0, r4.stdout + r4.stderr);
    assert.match(r4.stdout, /started chain look-note run \S+ from ~\/Downloads\/shot\.png/);
    assert.is(runFiles(m.home).length, 2);
    assert.equal(readFileSync(shot), changed, 'the source is byte-identical');
  });
});

test('a chain watcher names a chain that does not exist on aos.yaml, and other work goes on', async () => {
  const user = userHome();
  writeFileSync(join(user.downloads, 'shot.png'), PNG);
  await withModel({ yaml: WATCH.replace('chain: look-note', 'chain: nowhere'), replies: [] }, async (m) => {
    setUp(m, user.downloads);
    const r = await tickWith(m, user.dir);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /aos\.yaml: watch\.folders\.0: expected a chain in chains\/nowhere\.yaml, found no such file/);
    assert.equal(runFiles(m.home), []);
    assert.equal(copies(m.home), []);
  });
});

test('the dry run of an agent watcher: the file it would file, the one it would report and keep; nothing is written', async () => {
  const user = userHome();
  writeFileSync(join(user.downloads, 'shot.png'), PNG);
  writeFileSync(join(user.downloads, 'broken.png'), 'not a png');
  await withModel({ yaml: WATCH.replace('chain: look-note', 'agent: researcher'), replies: [] }, async (m) => {
    setUp(m, user.downloads);
    const dry = await aosAsync(['tick', '--home', m.home, '--dry-run'], { env: { ...m.env, HOME: user.dir } });
    assert.is(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /would not file ~\/Downloads\/broken\.png: .* \(the file stays where it is\)/);
    assert.match(dry.stdout, /would file ~\/Downloads\/shot\.png for researcher \(a watched folder; the source stays\)/);
    assert.equal([copies(m.home), existsSync(join(m.home, '.aos/watch.json'))], [[], false]);
    assert.is(m.server.requests.length, 0);
  });
});

/**
 * Kills the tick (its whole process group) when a git hook of the home reaches `when`: the hook
 * touches a file and sleeps, so the kill lands exactly there.
 */
async function tickKilledAt(m: ModelFixture, user: string, hook: 'pre-commit' | 'post-commit', when: string): Promise<void> {
  const reached = join(tempDir('aos-hook-'), 'reached');
  const path = join(m.home, '.git/hooks', hook);
  write(m.home, `.git/hooks/${hook}`, `#!/bin/sh\nif ${when}; then touch '${reached}'; sleep 60; fi\nexit 0\n`);
  chmodSync(path, 0o755);
  const child = spawn(process.execPath, [AOS, 'tick', '--home', m.home], { env: { ...envFor(m.server), HOME: user }, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const until = Date.now() + 30_000;
  while (!existsSync(reached)) {
    if (Date.now() > until) throw new Error(`the ${hook} hook was never reached`);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  rmSync(path);
}

for (const [moment, hook, when] of [
  ['after the copy, before the run is committed', 'pre-commit', "git diff --cached --name-only | grep -q '^chains/runs/'"],
  ["after the run's commit, before the watcher's memory is saved", 'post-commit', "git log -1 --format=%B | grep -q '^Aos-Chain-Run:' && git log -1 --format=%B | grep -q '^Aos-Kind: watch$'"],
] as const) {
  test(`killed ${moment}: the file starts exactly one run, its step 1 runs once with the image, the source is untouched`, async () => {
    const user = userHome();
    const shot = join(user.downloads, 'shot.png');
    writeFileSync(shot, PNG);
    const mtime = statSync(shot).mtimeMs;
    await withModel({ yaml: WATCH, replies: [{ text: 'A login form.' }], whenEmpty: { text: 'Noted.' } }, async (m) => {
      setUp(m, user.downloads);
      await tickKilledAt(m, user.dir, hook, when);
      assert.is(m.server.requests.length, 0, 'killed before any step ran');
      const [run] = runFiles(m.home).map((n) => n.slice(0, -3));
      assert.ok(run, 'the run file was written before the kill');
      const pending = Object.values(watchState(m.home));
      assert.equal(pending.map((s) => [s.run, s.pending]), [[run, true]], 'the run is written down as pending');
      assert.equal(copies(m.home), [run!.toLowerCase()]);
      const dry = await aosAsync(['tick', '--home', m.home, '--dry-run'], { env: { ...m.env, HOME: user.dir } });
      assert.match(dry.stdout, new RegExp(`would finish chain look-note run ${run!.replace(/\./g, '\\.')} for ~/Downloads/shot\\.png`));

      const r = await tickWith(m, user.dir);
      assert.is(r.code, 0, r.stdout + r.stderr);
      assert.equal(runFiles(m.home), [`${run}.md`], 'no second run');
      assert.equal(copies(m.home), [run!.toLowerCase()], 'one copy');
      assert.is(imageRequests(m).length, 1, 'step 1 ran once, with the image');
      assert.equal(Object.values(watchState(m.home)).map((s) => [s.run, s.pending]), [[run, undefined]], 'remembered as done');
      assert.is(git(m.home, ['status', '--porcelain']), '', 'everything committed');
      assert.is(git(m.home, ['log', '--format=%H', '--', `chains/runs/${run}.md`]).split('\n').filter(Boolean).length >= 1, true);

      const again = await tickWith(m, user.dir);
      assert.is(again.code, 0, again.stdout + again.stderr);
      assert.equal(runFiles(m.home), [`${run}.md`], 'still one run');
      assert.is(imageRequests(m).length, 1);
    });
    assert.equal(readFileSync(shot), PNG, 'the source is byte-identical');
    assert.is(statSync(shot).mtimeMs, mtime, 'and never touched');
  });
}

test.run();
