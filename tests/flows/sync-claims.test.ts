// Sync claims: which device runs an item, stale and fresh claims, a device killed mid-run, hostile ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AOS, git, json, read, tempDir, write } from '../helpers.js';
import { addItem, doneFile } from '../model-helpers.js';
import { devices, head, logFile, run, runAsync, runRecords, type Device } from '../sync-helpers.js';

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
  for (let i = 0; i < 600 && !claimed(); i++) await new Promise((r) => setTimeout(r, 100));
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

test.run();
