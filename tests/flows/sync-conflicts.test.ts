// Sync conflicts: edit clashes, an offline device catching up, conflict markers, generated items met twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bareEnv, git, json, read, tempDir, write } from '../helpers.js';
import { addItem, doneFile } from '../model-helpers.js';
import { devices, head, logFile, run, runAsync, runRecords, type Device } from '../sync-helpers.js';

test('an edit conflict on a memory file stops the sync cleanly: files named, nothing lost, nothing pushed, no markers', async () => {
  const { remote, devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  const file = 'memory/memory-conventions.md';
  const original = read(a.home, file);
  const line = original.split('\n').find((l) => l.startsWith('description:'))!;
  write(a.home, file, original.replace(line, 'description: the laptop says so'));
  write(b.home, file, original.replace(line, 'description: the desktop says otherwise'));
  assert.is(run(a, ['sync']).code, 0);
  const remoteTip = head(remote, 'main');

  const r = run(b, ['sync']);
  assert.is(r.code, 1);
  assert.match(r.stderr, `sync stopped: ${file}`);
  assert.match(r.stderr, 'git pull --rebase origin main');
  assert.match(r.stderr, `git add ${file}`);
  // The desktop's edit is its own commit; files and history are exactly as before the rebase.
  const mine = head(b.home);
  assert.match(git(b.home, ['log', '-1', '--format=%s%n%b']), /owner: hand edits \(1 file\)/);
  assert.match(read(b.home, file), 'description: the desktop says otherwise');
  assert.not.match(read(b.home, file), /^(<<<<<<<|=======|>>>>>>>)/m);
  assert.is(git(b.home, ['status', '--porcelain']), '');
  assert.not.ok(existsSync(join(b.home, '.git/rebase-merge')) || existsSync(join(b.home, '.git/rebase-apply')), 'no rebase left half-done');
  assert.is(head(remote, 'main'), remoteTip, 'nothing was pushed');
  assert.not.match(git(remote, ['show', `main:${file}`]), /<<<<<<<|>>>>>>>/);
  // --json says the same, and status remembers it.
  const rj = run(b, ['sync', '--json']);
  assert.is(rj.code, 1);
  assert.equal(json(rj).conflict, [file]);
  assert.is(head(b.home), mine);
  const st = json(run(b, ['status', '--json']));
  assert.match(st.sync.last_error, 'sync stopped');
  // A tick meanwhile keeps the home usable: it names the file and leaves items to wait for a claim.
  const id = addItem(b.home, 'Say hello.', 'chief');
  const t = await runAsync(b, ['tick', '--json']);
  assert.is(t.code, 1);
  const report = json(t);
  assert.ok(report.problems.some((p: { file: string }) => p.file === file));
  assert.ok(report.waiting.some((w: { item: string; reason: string }) => w.item === id && /waits for sync/.test(w.reason)));
  assert.is(report.runs.length, 0);

  // The printed way out works: resolve, continue, sync.
  const pull = spawnGit(b.home, ['pull', '-q', '--rebase', 'origin', 'main']);
  assert.is.not(pull, 0);
  // Half-way through, aos leaves the owner's rebase alone rather than abort it.
  const busy = run(b, ['sync']);
  assert.is(busy.code, 1);
  assert.match(busy.stderr, 'a git rebase is in progress');
  assert.ok(existsSync(join(b.home, '.git/rebase-merge')) || existsSync(join(b.home, '.git/rebase-apply')), 'still in progress');
  write(b.home, file, original.replace(line, 'description: both devices agree now'));
  git(b.home, ['add', file]);
  git(b.home, ['-c', 'core.editor=true', 'rebase', '--continue']);
  assert.is(run(b, ['sync']).code, 0);
  assert.match(git(remote, ['show', `main:${file}`]), 'both devices agree now');
});

function spawnGit(cwd: string, args: string[]): number {
  return spawnSync('git', args, { cwd, env: bareEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }) }).status ?? -1;
}

test('a device offline for a week catches up: its ticks wait while the remote is unreachable, then one tick brings both sides together', async () => {
  const { remote, devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  git(b.home, ['remote', 'set-url', 'origin', join(tempDir(), 'nowhere.git')]);
  // The desktop, offline: its item waits (no claim is possible), its own notes are committed locally.
  const offlineItem = addItem(b.home, 'Offline task.', 'chief');
  write(b.home, 'memory/desktop-notes.md', '---\ntitle: Desktop notes\ntype: fact\ndescription: written offline\ncreated: 2026-11-14\n---\nWritten on the train.\n');
  const off = await runAsync(b, ['tick', '--json']);
  assert.is(off.code, 1, 'an unreachable remote needs the owner');
  assert.ok(json(off).waiting.some((w: { item: string }) => w.item === offlineItem));
  assert.not.ok(doneFile(b.home, offlineItem));
  // The laptop meanwhile: a week of logs and twelve items handled.
  for (let d = 14; d <= 20; d++) {
    const date = `2026-11-${d}`;
    write(a.home, logFile(date), `# ${date}\n\n## 09:00:00 · note · chief · x\nDay ${d} on the laptop.\n`);
    assert.is(run(a, ['sync']).code, 0);
  }
  const laptopItems: string[] = [];
  for (let i = 0; i < 12; i++) laptopItems.push(addItem(a.home, `Laptop task ${i}.`, 'chief'));
  const ta = await runAsync(a, ['tick']);
  assert.is(ta.code, 0, ta.stderr);
  const behind = Number(git(remote, ['rev-list', '--count', 'main']));
  assert.ok(behind > 30, `many commits on the remote (${behind})`);

  // Back online.
  git(b.home, ['remote', 'set-url', 'origin', remote]);
  const on = await runAsync(b, ['tick', '--json']);
  assert.is(on.code, 0, on.stderr);
  assert.ok(doneFile(b.home, offlineItem), 'the waiting item ran once the device could claim it');
  for (const id of laptopItems) assert.ok(doneFile(b.home, id));
  for (let d = 14; d <= 20; d++) assert.match(read(b.home, logFile(`2026-11-${d}`)), `Day ${d} on the laptop.`);
  assert.is(run(a, ['sync']).code, 0);
  assert.is(head(a.home), head(b.home));
  assert.ok(existsSync(join(a.home, 'memory/desktop-notes.md')), "the desktop's offline work reached the laptop");
  assert.ok(doneFile(a.home, offlineItem));
  const st = json(run(b, ['status', '--json']));
  assert.is(st.sync.ahead, 0);
  assert.is(st.sync.behind, 0);
  assert.ok(st.sync.last_sync);
});

test('conflict markers are refused: a tick and sync hold the file back (the rest goes on), nothing marked is pushed, doctor names it', async () => {
  const { remote, devs } = devices(['laptop']);
  const [a] = devs as [Device];
  const file = 'memory/memory-conventions.md';
  const marked = read(a.home, file) + '\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> 1234567 (other)\n';
  write(a.home, file, marked);
  write(a.home, 'notes/fine.md', 'A note with nothing wrong.\n');
  const t = await runAsync(a, ['tick']);
  assert.is(t.code, 1, 'the owner is told');
  assert.match(t.stderr, new RegExp(`${file}:\\d+`));
  assert.match(t.stderr, /conflict markers/);
  assert.match(git(a.home, ['status', '--porcelain']), ` M ${file}`, 'the marked file stays uncommitted, as the owner left it');
  assert.match(git(a.home, ['show', '--stat', '--format=%s', 'HEAD']), /owner: hand edits \(1 file\)[\s\S]*notes\/fine\.md/);
  assert.is(read(a.home, file), marked, 'nothing lost');
  const s = run(a, ['sync']);
  assert.is(s.code, 1);
  assert.match(s.stderr, `not committed: ${file}:`);
  assert.is(head(remote, 'main'), head(a.home), 'the rest was pushed');
  assert.not.match(git(remote, ['show', `main:${file}`]), '<<<<<<<');
  const before = head(a.home);
  const doctor = json(run(a, ['doctor', '--json']));
  assert.ok(doctor.problems.some((p: { file: string; expected: string }) => p.file === file && /conflict markers/.test(p.expected)));
  // Committed behind aos's back (plain git), the markers still never leave this device.
  git(a.home, ['commit', '-qam', 'oops']);
  const s2 = run(a, ['sync']);
  assert.is(s2.code, 1);
  assert.match(s2.stderr, `${file}:`);
  assert.is(head(remote, 'main'), before, 'nothing pushed');
  // Nor does a tick's claim carry them out: the item waits.
  const id = addItem(a.home, 'Say hello.', 'chief');
  const t2 = await runAsync(a, ['tick', '--json']);
  assert.is(t2.code, 1);
  assert.match(json(t2).waiting.find((w: { item: string }) => w.item === id).reason, /waits for sync \(.*merge conflict markers/);
  assert.not.ok(doneFile(a.home, id));
  assert.is(head(remote, 'main'), before, 'still nothing pushed');
});

test('a generated item a sync brought back after another device ran it is not run twice: the second copy is dropped', async () => {
  const { devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  const id = '20261121T090000-chief-slot';
  const file = `inbox/${id}.md`;
  const text = `---\nid: ${id}\nfrom: schedule\nto: chief\nkind: schedule\npriority: normal\ncreated: 2026-11-21T09:00:05+00:00\nstatus: new\nslot: 2026-11-21T09:00:00+00:00\n---\nMorning review.\n`;
  write(a.home, file, text);
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'slot item']);
  assert.is((await runAsync(a, ['tick'])).code, 0);
  assert.ok(doneFile(a.home, id), 'the laptop ran it');
  assert.is(run(b, ['sync']).code, 0);
  // What a rebase leaves when the desktop created the same slot's item before it saw the laptop's run.
  write(b.home, file, text);
  git(b.home, ['add', '-A']);
  git(b.home, ['commit', '-qm', 'slot item, created here too']);
  const r = await runAsync(b, ['tick', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(existsSync(join(b.home, file)), 'the second copy is gone');
  assert.is(runRecords(b.home).filter((rec) => rec.includes(`\nitem: ${id}\n`)).length, 1, 'one run, on the laptop');
  assert.match(read(b.home, logFile()), `Dropped a second copy of ${id}`);
  assert.match(JSON.stringify(json(r).waiting), 'already handled');
  assert.is(git(b.home, ['status', '--porcelain']).trim(), '');
  // An owner's item whose file name was used before is new work, not a copy: it runs, and both handled copies stay.
  for (const text of ['First note.', 'Second note, new work.']) {
    write(b.home, 'inbox/note.md', `---\nto: chief\n---\n${text}\n`);
    git(b.home, ['add', '-A']);
    git(b.home, ['commit', '-qm', 'note']);
    const t = await runAsync(b, ['tick']);
    assert.is(t.code, 0, t.stderr);
    assert.not.ok(existsSync(join(b.home, 'inbox/note.md')), `${text} was run`);
  }
  const month = readdirSync(join(b.home, doneFile(b.home, 'note')!, '..'));
  const notes = month.filter((f) => f.startsWith('note')).map((f) => read(b.home, join(doneFile(b.home, 'note')!, '..', f)));
  assert.is(notes.length, 2);
  assert.ok(notes.some((n) => n.includes('First note.')) && notes.some((n) => n.includes('Second note, new work.')));
});

test("two devices that created the same schedule slot's item do not conflict: the remote's copy wins; another inbox clash still stops", () => {
  const { devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  const slotItem = (created: string, note = '') =>
    `---\nid: 20261121T090000-chief-abcd\nfrom: schedule\nto: chief\nkind: schedule\npriority: normal\ncreated: ${created}\nstatus: new\nslot: 2026-11-21T09:00:00+00:00\n---\nMorning review.${note}\n`;
  const file = 'inbox/20261121T090000-chief-abcd.md';
  write(a.home, file, slotItem('2026-11-21T09:00:05+00:00'));
  write(b.home, file, slotItem('2026-11-21T09:00:41+00:00', '\n\n(1 earlier slot was missed while aos was not running.)'));
  assert.is(run(a, ['sync']).code, 0);
  const r = run(b, ['sync']);
  assert.is(r.code, 0, r.stderr);
  assert.is(read(b.home, file), slotItem('2026-11-21T09:00:05+00:00'));
  assert.is(git(b.home, ['rev-parse', 'origin/main']).trim(), head(b.home), 'and pushed');
  // The same clash on an item the owner wrote is the owner's to resolve.
  const owned = 'inbox/20261121T100000-mine.md';
  write(a.home, owned, '---\nkind: task\n---\nLaptop wording.\n');
  write(b.home, owned, '---\nkind: task\n---\nDesktop wording.\n');
  assert.is(run(a, ['sync']).code, 0);
  const clash = run(b, ['sync']);
  assert.is(clash.code, 1);
  assert.match(clash.stderr, `sync stopped: ${owned}`);
  assert.match(read(b.home, owned), 'Desktop wording.');
});

test.run();
