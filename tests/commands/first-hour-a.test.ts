// Issue 15, items 1, 5, 7, 8, 10 and the inbox extras: what a new owner meets in the first hour,
// each through real processes (aos, git, the fake Messages API) in real temporary homes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, bareEnv, git, json, newHome, read, tempDir, write } from '../helpers.js';
import { envFor, tick, addItem, withModel } from '../model-helpers.js';

const aosIn = (home: string, args: string[]) => aosAsync([...args, '--home', home], { env: envFor(undefined) });

test('item 1: after a deny, doctor and status never flag inbox/approvals/done (made by aos)', async () => {
  const POLICY = `policy:\n  ask: ["file:notes/**:write"]\n`;
  await withModel({ replies: [{ tools: [{ name: 'write_file', input: { path: 'notes/x.md', content: 'x' } }] }, { text: 'Not saved.' }] }, async ({ server, home }) => {
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '') + POLICY);
    // The test roster has no tutor, whose goal doctor would rightly flag.
    rmSync(join(home, 'goals'), { recursive: true });
    git(home, ['commit', '-qam', 'policy']);
    addItem(home, 'Save x', 'chief');
    await tick(home, server);
    const id = readdirSync(join(home, 'inbox/approvals')).find((n) => n.endsWith('.md'))!.slice(0, -3);
    assert.is((await aosIn(home, ['deny', id])).code, 0);
    await tick(home, server);
    assert.ok(existsSync(join(home, 'inbox/approvals/done')), 'aos filed the answered approval in its done folder');
    const doctor = await aosIn(home, ['doctor']);
    assert.not.match(doctor.stdout + doctor.stderr, /approvals\/done/);
    assert.is(doctor.code, 0, doctor.stdout + doctor.stderr);
    const status = json(await aosIn(home, ['status', '--json']));
    assert.equal(status.invalid_files, []);
  });
});

test('item 5: a notify program that is not installed fails doctor, naming aos.yaml and the program; the starter leaves notify off', () => {
  const home = newHome();
  assert.not.match(read(home, 'aos.yaml'), /^notify:/m, 'notify is off in the starter');
  assert.match(read(home, 'aos.yaml'), /^# notify:\n#   command:\n#     - notify-send/m, 'and shown, commented, how to turn it on');
  assert.is(aos(['doctor'], { cwd: home }).code, 0);
  write(home, 'aos.yaml', read(home, 'aos.yaml') + '\nnotify:\n  command: [aos-no-such-notifier, aos]\n');
  const r = aos(['doctor'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stdout, /aos\.yaml: notify\.command: expected a program that exists on this machine, found no program "aos-no-such-notifier" on PATH/);
  // A program that is there passes.
  const bin = tempDir();
  writeFileSync(join(bin, 'my-notify'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'my-notify'), 0o755);
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('aos-no-such-notifier', join(bin, 'my-notify')));
  const ok = aos(['doctor'], { cwd: home });
  assert.is(ok.code, 0, ok.stdout);
});

test('item 7: editor leftovers are ignored; a pdf and x.md~ in inbox/ are moved to inbox/unsupported/ once, kept, and the tick succeeds', () => {
  const home = newHome();
  for (const pattern of ['.*.swp', '.#*', '*~']) assert.ok(read(home, '.gitignore').split('\n').includes(pattern), pattern);
  for (const pattern of ['.*.swp', '.#*', '*~']) assert.ok(read('.', '.gitignore').split('\n').includes(pattern), `this repository's own home: ${pattern}`);
  write(home, 'notes/.plan.md.swp', 'swap');
  write(home, 'notes/plan.md~', 'backup');
  write(home, 'inbox/report.pdf', '%PDF-1.4 fake');
  write(home, 'inbox/idea.md~', 'old text');
  const r1 = aos(['tick'], { cwd: home });
  assert.is(r1.code, 0, r1.stdout + r1.stderr);
  assert.match(r1.stdout, /moved inbox\/report\.pdf to inbox\/unsupported\/report\.pdf/);
  assert.match(r1.stdout, /moved inbox\/idea\.md~ to inbox\/unsupported\/idea\.md~/);
  assert.is(read(home, 'inbox/unsupported/report.pdf'), '%PDF-1.4 fake');
  assert.is(read(home, 'inbox/unsupported/idea.md~'), 'old text');
  const tracked = git(home, ['ls-files']);
  assert.match(tracked, /^inbox\/unsupported\/report\.pdf$/m, 'the pdf is committed where it is kept');
  assert.not.match(tracked, /\.swp|~$/m, 'editor leftovers are never committed');
  // Reported once: the next tick is quiet and still succeeds; doctor and status are clean.
  const r2 = aos(['tick'], { cwd: home });
  assert.is(r2.code, 0, r2.stderr);
  assert.not.match(r2.stdout + r2.stderr, /unsupported/);
  assert.is(aos(['doctor'], { cwd: home }).code, 0);
  assert.equal(json(aos(['status', '--json'], { cwd: home })).invalid_files, []);
});

test('item 8: every tick, idle included, is recorded in .aos/ and shown by status; status warns after 3 intervals without one', () => {
  const home = newHome();
  assert.match(aos(['status'], { cwd: home }).stdout, /Last tick: never/);
  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  const last = JSON.parse(read(home, '.aos/last-tick.json'));
  assert.is(last.outcome, 'idle');
  const s = aos(['status'], { cwd: home });
  assert.match(s.stdout, new RegExp(`Last tick: ${last.time.replace(/[.]/g, '\\.')} \\(idle\\)`));
  assert.not.match(s.stderr, /warning/);
  const j = json(aos(['status', '--json'], { cwd: home }));
  assert.is(j.last_tick, last.time);
  assert.is(j.last_tick_outcome, 'idle');
  assert.is(j.heartbeat_warning, null);
  // 16 minutes without a tick at the default 5-minute interval; a configured 10-minute interval does not warn.
  write(home, '.aos/last-tick.json', JSON.stringify({ ...last, time: new Date(Date.now() - 16 * 60_000).toISOString() }));
  const late = aos(['status'], { cwd: home });
  assert.match(late.stderr, /warning: no tick has run for 16 minutes \(expected every 5 minutes/);
  assert.match(json(aos(['status', '--json'], { cwd: home })).heartbeat_warning, /no tick has run/);
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('interval_minutes: 5', 'interval_minutes: 10'));
  assert.not.match(aos(['status'], { cwd: home }).stderr, /warning/);
});

test('item 10: init names the owner from git config, else $USER, never Alex', () => {
  const userHome = tempDir();
  writeFileSync(join(userHome, '.gitconfig'), '[user]\n\tname = Rosa Git\n');
  const a = join(tempDir(), 'h');
  assert.is(aos(['init', a, '--timezone', 'UTC'], { env: bareEnv({ HOME: userHome, USER: 'rosa' }) }).code, 0);
  assert.match(read(a, 'aos.yaml'), /^  name: Rosa Git$/m);
  assert.is(git(a, ['log', '-1', '--format=%an']).trim(), 'Rosa Git');
  const b = join(tempDir(), 'h');
  assert.is(aos(['init', b, '--timezone', 'UTC'], { env: bareEnv({ USER: 'sam' }) }).code, 0);
  assert.match(read(b, 'aos.yaml'), /^  name: sam$/m);
  const c = join(tempDir(), 'h');
  assert.is(aos(['init', c, '--timezone', 'UTC']).code, 0);
  assert.not.match(read(c, 'aos.yaml'), /name: Alex/);
});

test('item 10: schedule slots from before the home existed never fire; a slot after init does', () => {
  const home = newHome();
  // A daily slot between one and two hours before init: a first tick used to file it.
  const hour = (new Date().getUTCHours() + 23) % 24;
  write(home, 'agents/tutor.md', read(home, 'agents/tutor.md').replace(/cron: "[^"]*"/, `cron: "0 ${hour} * * *"`));
  git(home, ['commit', '-qam', 'daily']);
  const dry = aos(['tick', '--dry-run'], { cwd: home });
  assert.not.match(dry.stdout, /would schedule/, dry.stdout);
  const first = aos(['tick'], { cwd: home });
  assert.is(first.code, 0, first.stderr);
  assert.not.match(first.stdout, /scheduled/, 'no slot before init fires');
  // The same home made three hours earlier: the slot is after its creation, so it fires.
  write(home, '.aos/created', new Date(Date.now() - 3 * 3_600_000).toISOString() + '\n');
  const later = aos(['tick'], { cwd: home });
  assert.match(later.stdout, /scheduled \d{8}T\d{4}00-/);
});

test('item 10: the starter makes exactly one brief a day (aos brief at 07:00; the chief has no brief schedule)', () => {
  const home = newHome();
  assert.match(read(home, 'agents/chief.md'), /^schedule: \[\]$/m);
  const briefJobs = read(home, 'crontab.example').split('\n').filter((l) => !l.startsWith('#') && /aos brief/.test(l));
  assert.is(briefJobs.length, 1);
  for (const f of readdirSync(join(home, 'agents'))) assert.not.match(read(home, `agents/${f}`), /^\s+task:[^\n]*\n?[^\n]*brief/im, f);
  assert.not.ok(existsSync(join(home, 'agents/x.md')), 'no stray agent in the starter');
});

test('inbox add --to an invalid agent file names the file and its problem', () => {
  const home = newHome();
  write(home, 'agents/researcher.md', read(home, 'agents/researcher.md').replace(/^status: active$/m, 'status: sleepy'));
  const r = aos(['inbox', 'add', '--to', 'researcher', 'find papers'], { cwd: home });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /--to researcher: agents\/researcher\.md:\d+: status: expected/);
  assert.not.match(r.stderr, /found no agents/);
});

test('inbox list is in the order the tick runs the items; show says who handled an item and its run', async () => {
  await withModel({ replies: [{ text: 'Done: the answer.' }] }, async ({ server, home }) => {
    const low = addItem(home, 'low one', 'chief');
    write(home, `inbox/${low}.md`, read(home, `inbox/${low}.md`).replace('priority: normal', 'priority: low'));
    const normal = addItem(home, 'normal one', 'chief');
    const high = addItem(home, 'high one', 'chief');
    write(home, `inbox/${high}.md`, read(home, `inbox/${high}.md`).replace('priority: normal', 'priority: high'));
    git(home, ['commit', '-qam', 'priorities']);
    const list = json(await aosIn(home, ['inbox', 'list', '--json']));
    assert.equal(list.items.map((i: { id: string }) => i.id), [high, normal, low]);
    const dry = (await aosIn(home, ['tick', '--dry-run'])).stdout;
    assert.ok(dry.indexOf(high) < dry.indexOf(normal) && dry.indexOf(normal) < dry.indexOf(low), dry);
  });
});

test('inbox show: who handled the item and its run', async () => {
  await withModel({ replies: [{ text: 'Done: the answer.' }] }, async ({ server, home }) => {
    const id = addItem(home, 'answer me', 'chief');
    const t = await tick(home, server);
    assert.is(t.code, 0, t.stderr);
    const show = await aosIn(home, ['inbox', 'show', id]);
    assert.is(show.code, 0, show.stderr);
    assert.match(show.stdout, /^done by chief, run (r-\d{8}T\d{6}-[a-z0-9]+) \(logs\/runs\/\d{4}\/\d{2}\/r-[^)]+\.md\)$/m);
    const j = json(await aosIn(home, ['inbox', 'show', id, '--json']));
    assert.is(j.handled_by, 'chief');
    assert.match(j.run, /^r-/);
    assert.ok(existsSync(join(home, j.record)), j.record);
  });
});

test.run();
