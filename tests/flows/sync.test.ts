// Devices syncing one home through a bare remote: real clones in temp folders, the built CLI in
// real processes ticking at the same time, a command brain so runs are real and fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AOS, aos, aosAsync, bareEnv, git, json, read, tempDir, write } from '../helpers.js';
import { addItem, doneFile, modelHome } from '../model-helpers.js';
import { MODEL, devices, runOn, runOnAsync, runRecords, type Device } from '../sync-helpers.js';

const run = runOn;
const runAsync = runOnAsync;
const head = (dir: string, ref = 'HEAD') => git(dir, ['rev-parse', ref]).trim();
const today = () => new Date().toISOString().slice(0, 10);
const logFile = (date = today()) => `logs/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.md`;

test('three devices ticking at the same time over 30 items run each item exactly once, and every log line survives', async () => {
  const { remote, devs } = devices(['laptop', 'desktop', 'server']);
  const [a] = devs;
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push(addItem(a!.home, `Task number ${i}: say something.`, 'chief'));
  git(a!.home, ['push', '-q', 'origin', 'main']);

  for (let round = 0; round < 4; round++) {
    const results = await Promise.all(devs.map((d) => runAsync(d, ['tick', '--json'])));
    for (const r of results) assert.is(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    git(a!.home, ['fetch', '-q', 'origin']);
    const pending = git(a!.home, ['ls-tree', '--name-only', 'origin/main', 'inbox/']).split('\n').filter((f) => /inbox\/\d{8}T.*\.md$/.test(f));
    if (!pending.length) break;
  }
  // A last sync on every device, so all of them see the whole history.
  for (const d of [...devs, devs[0]!, devs[1]!]) assert.is(run(d, ['sync']).code, 0);
  for (const d of devs) assert.is(head(d.home), head(remote, 'main'), `${d.name} is at the remote's tip`);

  const records = runRecords(a!.home);
  const byDevice = new Map<string, number>();
  for (const id of ids) {
    assert.ok(doneFile(a!.home, id), `${id} is done`);
    const mine = records.filter((r) => r.includes(`\nitem: ${id}\n`));
    assert.is(mine.length, 1, `${id} has exactly one run record`);
    const device = /\ndevice: (\S+)/.exec(mine[0]!)![1]!;
    byDevice.set(device, (byDevice.get(device) ?? 0) + 1);
    const runs = git(a!.home, ['log', '--format=%H', '--fixed-strings', `--grep=Aos-Item: ${id}`, '--grep=Aos-Kind: tick', '--all-match']).split('\n').filter(Boolean);
    assert.is(runs.length, 1, `${id} was run in exactly one commit`);
  }
  assert.ok(byDevice.size >= 2, `the work was shared: ${JSON.stringify([...byDevice])}`);
  // Each device's daily log lines (union-merged) are all there: one "tick" entry per run.
  const log = read(a!.home, logFile());
  for (const r of records) {
    const runId = /^run: (\S+)/m.exec(r)![1]!;
    assert.match(log, `· tick · chief · ${runId}`);
  }
  assert.not.match(log, /^(<<<<<<<|>>>>>>>|=======)/m);
  const doctor = json(run(a!, ['doctor', '--json']));
  // (The test roster has no tutor, so the starter goal's owner is the one expected complaint.)
  assert.equal(doctor.problems.filter((p: { file: string }) => p.file !== 'goals/ielts-writing.md'), [], 'the merged history passes doctor (logs append-only, every file valid)');
  // No claim is left behind, and the trailers name the device that ran each item.
  assert.is(existsSync(join(a!.home, 'inbox/claims')) ? readdirSync(join(a!.home, 'inbox/claims')).length : 0, 0);
  const trailers = git(a!.home, ['log', '--format=%(trailers:key=Aos-Device,valueonly)', '--grep=Aos-Kind: claim$']);
  for (const name of byDevice.keys()) assert.match(trailers, name);
});

test('log entries written on two devices the same day keep every line after sync', () => {
  const { devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  const date = today();
  const entry = (time: string, who: string, text: string) => `\n## ${time} · note · ${who} · x\n${text}\n`;
  write(a.home, logFile(date), `# ${date}\n` + entry('08:00:00', 'chief', 'laptop line one') + entry('09:00:00', 'chief', 'laptop line two'));
  write(b.home, logFile(date), `# ${date}\n` + entry('08:30:00', 'chief', 'desktop line one'));
  assert.is(run(a, ['sync']).code, 0);
  const rb = run(b, ['sync']);
  assert.is(rb.code, 0, rb.stderr);
  assert.is(run(a, ['sync']).code, 0);
  for (const d of devs) {
    const text = read(d.home, logFile(date));
    for (const line of ['laptop line one', 'laptop line two', 'desktop line one']) assert.match(text, line, `${d.name} has "${line}"`);
    assert.not.match(text, /^(<<<<<<<|>>>>>>>)/m);
  }
  assert.is(head(a.home), head(b.home));
  const doctor = json(run(a, ['doctor', '--json']));
  assert.equal(doctor.problems.filter((p: { file: string }) => p.file.startsWith('logs/')), [], 'the merged log passes doctor, append-only history included');
});

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

function claimText(item: string, device: string, claimed: Date, released?: string): string {
  return `---\nitem: ${item}\ndevice: ${device}\nclaimed: ${claimed.toISOString()}\n${released ? `released: ${released}\n` : ''}---\nHeld.\n`;
}

test('claims: a fresh claim by another device is left alone, a stale one is released and its item runs once, a second stale claim is not', async () => {
  const { devs } = devices(['laptop', 'desktop'], '\n  claim_timeout_minutes: 30');
  const [a, b] = devs as [Device, Device];
  const fresh = addItem(a.home, 'Held by the ghost right now.', 'chief');
  const stale = addItem(a.home, 'Held by a ghost that died.', 'chief');
  const twice = addItem(a.home, 'Taken over once already.', 'chief');
  const hour = 3600_000;
  write(a.home, `inbox/claims/${fresh}.md`, claimText(fresh, 'ghost', new Date(Date.now() - 60_000)));
  write(a.home, `inbox/claims/${stale}.md`, claimText(stale, 'ghost', new Date(Date.now() - 2 * hour)));
  write(a.home, `inbox/claims/${twice}.md`, claimText(twice, 'ghost2', new Date(Date.now() - 2 * hour), 'ghost'));
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'claims']);
  git(a.home, ['push', '-q', 'origin', 'main']);

  assert.is(run(b, ['sync']).code, 0);
  const st = json(run(b, ['status', '--json']));
  const t = await runAsync(b, ['tick', '--json']);
  assert.is(t.code, 0, t.stderr);
  const report = json(t);
  assert.equal(report.runs.map((r: { item: string }) => r.item), [stale]);
  assert.match(report.waiting.find((w: { item: string }) => w.item === fresh).reason, 'claimed by ghost');
  assert.match(report.waiting.find((w: { item: string }) => w.item === twice).reason, /never finished either; delete inbox\/claims\//);
  assert.ok(doneFile(b.home, stale));
  assert.not.ok(existsSync(join(b.home, `inbox/claims/${stale}.md`)), 'the claim went when the run ended');
  assert.match(git(b.home, ['log', '--format=%s', `--grep=Aos-Item: ${stale}`]), `takes over ${stale} from ghost (stale claim)`);
  assert.match(read(b.home, logFile()), `Released ghost's claim on ${stale}`);
  // Status (before the tick) showed the claims other devices hold.
  assert.equal(st.sync.claims.map((c: { item: string; device: string; stale: boolean }) => [c.item, c.device, c.stale]).sort(), [
    [fresh, 'ghost', false],
    [stale, 'ghost', true],
    [twice, 'ghost2', true],
  ].sort());
  const text = run(b, ['status']).stdout;
  assert.match(text, `${fresh} claimed by ghost since`);
  // The laptop sees the same after it syncs, and its own tick does not run what the desktop finished.
  assert.is(run(a, ['sync']).code, 0);
  const ta = json(await runAsync(a, ['tick', '--json']));
  assert.equal(ta.runs, []);
  const records = runRecords(a.home).filter((r) => r.includes(`\nitem: ${stale}\n`));
  assert.is(records.length, 1, 'the released item ran exactly once');

  // An item waiting for an approval another device asked for stays with that device, however long the owner takes.
  const asked = addItem(a.home, 'Write the notes.', 'chief');
  const ap = 'ap-20261121T100000-abcd';
  write(a.home, `inbox/${asked}.md`, read(a.home, `inbox/${asked}.md`).replace('status: new', `status: waiting\napproval: ${ap}`));
  write(a.home, `inbox/approvals/${ap}.md`, `---\nid: ${ap}\nagent: chief\nrun: r-20261121T100000-abcd\naction: file-write\nargument: notes/a.md\nhash: sha256:4be1aaaa\nstatus: approved\ncreated: 2026-11-21T10:00:00+00:00\nitem: ${asked}\n---\nAsked.\n`);
  write(a.home, `inbox/claims/${asked}.md`, claimText(asked, 'ghost', new Date(Date.now() - 5 * hour)));
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'an item waiting for an approval the ghost asked for']);
  const tw = json(await runAsync(a, ['tick', '--json']));
  assert.match(tw.waiting.find((w: { item: string }) => w.item === asked).reason, 'waits for an approval ghost asked for');
  assert.ok(existsSync(join(a.home, `inbox/claims/${asked}.md`)));
  rmSync(join(a.home, `inbox/claims/${asked}.md`));
  rmSync(join(a.home, `inbox/approvals/${ap}.md`));
  rmSync(join(a.home, `inbox/${asked}.md`));
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'drop it']);

  // A claim left by a device that died between its run's commit and the release is swept by the next tick anywhere.
  write(a.home, `inbox/claims/${stale}.md`, claimText(stale, 'ghost', new Date()));
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'leftover claim']);
  assert.is(json(run(a, ['status', '--json'])).sync.claims.length, 3, 'fresh, twice and the leftover');
  assert.is((await runAsync(a, ['tick'])).code, 0);
  assert.not.ok(existsSync(join(a.home, `inbox/claims/${stale}.md`)));
  assert.ok(existsSync(join(a.home, `inbox/claims/${fresh}.md`)), 'a pending item keeps its claim');
  assert.match(git(a.home, ['log', '-1', '--format=%an %s', '--grep=Aos-Kind: claim-release']), `aos: removes 1 claim of finished items`);

  // A claim file that is not a claim: its item waits, and status and doctor name the file.
  const damaged = addItem(a.home, 'Claimed by a broken file.', 'chief');
  write(a.home, `inbox/claims/${damaged}.md`, 'device: ???\n<<<\n');
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'damaged claim']);
  const td = json(await runAsync(a, ['tick', '--json']));
  assert.match(td.waiting.find((w: { item: string }) => w.item === damaged).reason, 'claim file is unreadable');
  assert.not.ok(doneFile(a.home, damaged));
  assert.equal(json(run(a, ['status', '--json'])).sync.unreadable_claims, [`inbox/claims/${damaged}.md`]);
  const doc = json(run(a, ['doctor', '--json']));
  assert.ok(doc.problems.some((p: { file: string }) => p.file === `inbox/claims/${damaged}.md`));
});

test('a device that finishes after its stale claim was taken over syncs without the owner: both handled copies are kept', async () => {
  const { remote, devs } = devices(['laptop', 'desktop'], '\n  claim_timeout_minutes: 30');
  const [a, b] = devs as [Device, Device];
  const id = addItem(a.home, 'A long job.', 'chief');
  write(a.home, `inbox/claims/${id}.md`, claimText(id, 'laptop', new Date(Date.now() - 2 * 3600_000)));
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'the laptop claimed it, then slept']);
  git(a.home, ['push', '-q', 'origin', 'main']);
  assert.is(run(b, ['sync']).code, 0);
  const tb = await runAsync(b, ['tick']);
  assert.is(tb.code, 0, tb.stderr);
  const path = doneFile(b.home, id)!;
  assert.ok(path, 'the desktop took it over and ran it');
  // The laptop wakes and finishes its run before it hears of that (a tick without sync stands in for the rest of its run).
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml').replace('auto: true', 'auto: false'));
  git(a.home, ['commit', '-qam', 'offline']);
  assert.is((await runAsync(a, ['tick'])).code, 0);
  assert.ok(doneFile(a.home, id));
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml').replace('auto: false', 'auto: true'));
  git(a.home, ['commit', '-qam', 'online']);
  const s = run(a, ['sync']);
  assert.is(s.code, 0, s.stderr);
  assert.is(head(remote, 'main'), head(a.home));
  const month = join(a.home, path, '..');
  const copies = readdirSync(month).filter((f) => f.startsWith(id));
  assert.is(copies.length, 2, copies.join(', '));
  const laptopRun = /^run: (\S+)/m.exec(readFileSync(join(month, copies.find((f) => f !== `${id}.md`)!), 'utf8'))![1]!;
  assert.ok(copies.includes(`${id}.${laptopRun}.md`), 'the late copy is named by its run');
  assert.is(runRecords(a.home).filter((r) => r.includes(`\nitem: ${id}\n`)).length, 2, 'both runs are on record');
  for (const f of copies) assert.not.match(readFileSync(join(month, f), 'utf8'), /^<{7}/m, `${f} holds no markers`);
  assert.is(git(a.home, ['status', '--porcelain']), '');
});

test('a device killed mid-run keeps its claim: the other device leaves the item, the killed one finishes it after recovery', async () => {
  const dir = tempDir('aos-gate-');
  const flag = join(dir, 'hang');
  const brain = join(dir, 'gate.mjs');
  // Hangs while the flag file exists, so the test can kill a run in the middle; answers otherwise.
  writeFileSync(brain, `import { existsSync } from 'node:fs';\nif (existsSync(${JSON.stringify(flag)})) setTimeout(() => {}, 60_000);\nelse process.stdout.write('Done.');\n`);
  writeFileSync(flag, '');
  const { remote, devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [Device, Device];
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml').replace(/^  command: \[.*\]$/m, `  command: ["${process.execPath}", "${brain}"]`));
  git(a.home, ['commit', '-qam', 'gate brain']);
  const id = addItem(a.home, 'A long job.', 'chief');
  git(a.home, ['push', '-q', 'origin', 'main']);
  assert.is(run(b, ['sync']).code, 0);

  const child = spawn(process.execPath, [AOS, 'tick', '--home', a.home], { env: a.env, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const claimed = () => git(remote, ['ls-tree', '--name-only', 'main', 'inbox/claims/']).includes(id);
  for (let i = 0; i < 200 && !claimed(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(claimed(), 'the claim reached the remote before the run');
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;

  const tb = json(await runAsync(b, ['tick', '--json']));
  assert.equal(tb.runs, []);
  assert.match(tb.waiting.find((w: { item: string }) => w.item === id).reason, 'claimed by laptop');
  assert.equal(json(run(b, ['status', '--json'])).sync.claims.map((c: { item: string; device: string }) => [c.item, c.device]), [[id, 'laptop']]);

  rmSync(flag);
  const ta = await runAsync(a, ['tick']);
  assert.is(ta.code, 0, ta.stderr);
  assert.match(ta.stdout, /took over a stale lock/);
  assert.match(ta.stdout, /interrupted/);
  assert.ok(doneFile(a.home, id));
  assert.is(run(b, ['sync']).code, 0);
  assert.ok(doneFile(b.home, id));
  const records = runRecords(b.home).filter((r) => r.includes(`\nitem: ${id}\n`));
  assert.ok(records.every((r) => /\ndevice: laptop\n/.test(r)), 'only the laptop ever ran it');
  assert.is(records.filter((r) => /\noutcome: done\n/.test(r)).length, 1);
  assert.not.ok(existsSync(join(b.home, `inbox/claims/${id}.md`)), 'released once finished');
});

test("an item's id is data: a hostile id never becomes a claim path, and an oddly named file is claimed by its name", async () => {
  const { remote, devs } = devices(['laptop']);
  const [a] = devs as [Device];
  const chief = read(a.home, 'agents/chief.md');
  write(a.home, 'inbox/evil.md', '---\nid: ../../agents/chief\nto: chief\n---\nHello.\n');
  write(a.home, 'inbox/my task.md', 'Say hi.\n');
  git(a.home, ['add', '-A']);
  git(a.home, ['commit', '-qm', 'odd items']);
  const t = await runAsync(a, ['tick', '--json']);
  assert.is(t.code, 0, t.stderr);
  assert.is(json(t).runs.length, 2);
  assert.is(read(a.home, 'agents/chief.md'), chief, 'the agent file is untouched');
  const claimed = git(a.home, ['log', '--format=', '--name-only', '--grep=Aos-Kind: claim$']).split('\n').filter(Boolean).sort();
  assert.equal(claimed, ['inbox/claims/evil.md', 'inbox/claims/my task.md']);
  assert.is(head(remote, 'main'), head(a.home));
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

test('device names: AOS_DEVICE, else the devices: map by host name; unsafe names are refused', () => {
  const { devs } = devices(['laptop']);
  const [a] = devs as [Device];
  const host = hostname();
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml') + `devices:\n  "${host}": study-desk\n`);
  git(a.home, ['commit', '-qam', 'devices']);
  const noOverride = bareEnv();
  assert.is(json(aos(['status', '--json', '--home', a.home], { env: noOverride })).sync.device, 'study-desk');
  assert.is(json(run(a, ['status', '--json'])).sync.device, 'laptop', 'AOS_DEVICE wins');
  const bad = aos(['status', '--home', a.home], { env: bareEnv({ AOS_DEVICE: 'lap top/../x' }) });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'AOS_DEVICE: expected a device name');
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml').replace('study-desk', '"desk: evil\\nAos-Run: x"'));
  const badMap = aos(['status', '--home', a.home], { env: noOverride });
  assert.is(badMap.code, 1);
  assert.match(badMap.stderr, /aos\.yaml:\d+: devices\.\S+: expected a device name/);
  // The name is what trailers carry.
  write(a.home, 'aos.yaml', read(a.home, 'aos.yaml').replace(/devices:[\s\S]*$/, ''));
  write(a.home, 'memory/x.md', '---\ntitle: X\ntype: fact\ndescription: x\ncreated: 2026-11-21\n---\nx\n');
  assert.is(run(a, ['sync']).code, 0);
  assert.match(git(a.home, ['log', '-1', '--format=%B']), 'Aos-Device: laptop');
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

test('aos sync without a remote says how to add one; sync.auto without a remote warns and the tick still works', async () => {
  const home = modelHome('', MODEL);
  const r = aos(['sync', '--home', home], { env: bareEnv() });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'git remote add origin <url>');
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('sync:\n  auto: false', 'sync:\n  auto: true'));
  const id = addItem(home, 'Hello.', 'chief');
  const t = await aosAsync(['tick', '--json', '--home', home], { env: bareEnv() });
  const report = json(t);
  assert.ok(report.problems.some((p: { field?: string }) => p.field === 'sync.auto'));
  assert.ok(doneFile(home, id), 'without a remote there is nothing to race: the item runs');
});

test.run();
