// Devices syncing one home through a bare remote: real clones in temp folders, the built CLI in
// real processes ticking at the same time, a command brain so runs are real and fast. Claims and
// conflicts have their own files (sync-claims, sync-conflicts), so the runner can spread them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { aos, aosAsync, bareEnv, git, json, read, write } from '../helpers.js';
import { addItem, doneFile, modelHome } from '../model-helpers.js';
import { MODEL, devices, head, logFile, run, runAsync, runRecords, today, type Device } from '../sync-helpers.js';

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
