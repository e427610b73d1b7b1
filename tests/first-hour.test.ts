// Issue 15, "Must show": the first hour of a new owner, scripted as one story with real processes
// (the built CLI), real git and the real SDK against the fake Messages API. Each step asserts what
// the owner relies on at that moment, in the order a new owner meets it: a home made with aos init
// into a fresh folder (the README's way), work added with aos inbox add and by dropping a file into
// inbox/, the plan, a tick, an approval asked with the change shown and given, the brief once,
// aos status showing the heartbeat, and Ctrl-C in the middle of a run leaving a clean home.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aosAsync, git, json, read, tempDir, write, type Result } from './helpers.js';
import { startFakeAnthropic, type FakeReply } from './fake-anthropic.js';
import { doneFile, envFor } from './model-helpers.js';

/** Every file under a folder of the home, relative to the home. */
function filesUnder(home: string, dir: string): string[] {
  if (!existsSync(join(home, dir))) return [];
  return readdirSync(join(home, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(home, `${dir}/${e.name}`) : [`${dir}/${e.name}`]));
}

const FERRY_NOTE = 'Ferries: none run Lisbon to Porto; take the Alfa Pendular train (2 h 50).\n';

test('the first hour: init, inbox add, a dropped file, a tick, an approval, the brief once, status, and Ctrl-C mid-run', async () => {
  const server = await startFakeAnthropic([]);
  try {
    // --- aos init into a fresh folder, with the key in the environment, as the README shows.
    const env = envFor(server, { USER: 'sam' });
    const home = join(tempDir('aos-first-hour-'), 'aos');
    const init = await aosAsync(['init', home, '--timezone', 'Europe/Lisbon', '--model', 'anthropic'], { env });
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout, /^New home in .*aos \(\d+ files, first commit [0-9a-f]{7}\)\./m);
    assert.match(init.stdout, /Model: Claude \(claude-[^)]+\) through the Anthropic API, as asked\./);
    assert.match(read(home, 'aos.yaml'), /^owner:\n  name: sam\n/m, 'the owner named from $USER, not "Alex"');
    assert.is(git(home, ['log', '--format=%s']).trim(), 'aos init: a new home');
    const aos = (args: string[]) => aosAsync(args, { cwd: home, env });
    let r = await aos(['doctor']);
    assert.is(r.code, 0, `a fresh home is healthy:\n${r.stdout}${r.stderr}`);

    // --- The owner wants to see what agents write in notes/ first: a rule added by hand to aos.yaml.
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('    - "file:aos.yaml:write"\n', '    - "file:aos.yaml:write"\n    - "file:notes/**:write"\n'));

    // --- aos inbox add: saved and committed as the owner's, the hand edit first in its own commit.
    r = await aos(['inbox', 'add', 'Plan the packing list for Porto', '--json']);
    assert.is(r.code, 0, r.stderr);
    const packing = json(r).id as string;
    assert.ok(json(r).committed, 'committed at once (no tick is running)');
    assert.equal(git(home, ['log', '-2', '--format=%an|%s']).trim().split('\n'), [`sam|inbox: add "Plan the packing list for Porto"`, 'sam|owner: hand edits (1 file)']);
    assert.equal(git(home, ['show', '--name-only', '--format=', 'HEAD~1']).trim(), 'aos.yaml');

    // --- A file dropped into inbox/ by hand, no front matter.
    write(home, 'inbox/ferry.md', 'Find the ferry times from Lisbon to Porto\n');

    // --- The plan first: three items, who takes each; nothing changes.
    const head = git(home, ['rev-parse', 'HEAD']);
    r = await aos(['tick', '--dry-run', '--json']);
    assert.is(r.code, 0, r.stderr);
    const plan = json(r);
    assert.equal(plan.ownerEdits, ['inbox/ferry.md']);
    const agentOf = Object.fromEntries(plan.runs.map((p: { item: string; agent: string }) => [p.item, p.agent]));
    assert.equal(agentOf, { ferry: 'researcher', welcome: 'chief', [packing]: 'chief' });
    assert.is(git(home, ['rev-parse', 'HEAD']), head);

    // The model's answers, in the order the plan gives: the researcher wants to write notes/ferry.md.
    const replyFor: Record<string, FakeReply> = {
      ferry: { tools: [{ name: 'write_file', input: { path: 'notes/ferry.md', content: FERRY_NOTE } }] },
      welcome: { text: 'Hello sam: I am the chief. Add work with aos inbox add; aos tick serves it.' },
      [packing]: { text: 'Packing: passport, charger, rain jacket.' },
    };
    server.push(...plan.runs.map((p: { item: string }) => replyFor[p.item]!));

    // --- The tick: the dropped file is the owner's commit; two items done; the write asks first.
    r = await aos(['tick']);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 3, 'one model call per item');
    assert.match(r.stdout, /committed your hand edits \(1 file\)/);
    assert.match(git(home, ['log', '--format=%an|%s', '--', 'inbox/ferry.md']), /^sam\|owner: hand edits \(1 file\)$/m);
    assert.match(r.stdout, /done\s+welcome by chief/);
    assert.match(r.stdout, new RegExp(`done\\s+${packing} by chief`));
    assert.match(read(home, doneFile(home, 'welcome')!), /Hello sam: I am the chief/);
    assert.match(read(home, doneFile(home, packing)!), /passport, charger, rain jacket/);
    assert.not.ok(existsSync(join(home, 'notes/ferry.md')), 'nothing written before the owner answers');
    assert.is(git(home, ['status', '--porcelain']), '', 'the tick committed everything');

    // --- The approval: listed, its file shows the content the researcher wants to write.
    const asked = readdirSync(join(home, 'inbox/approvals')).filter((n) => n.endsWith('.md'));
    assert.is(asked.length, 1);
    const id = asked[0]!.slice(0, -3);
    assert.match(read(home, 'inbox/ferry.md'), new RegExp(`^status: waiting$[\\s\\S]*^approval: ${id}$`, 'm'));
    const approvalText = read(home, `inbox/approvals/${id}.md`);
    assert.match(approvalText, /researcher wants to write notes\/ferry\.md while handling "Find the ferry times from Lisbon to Porto"/);
    assert.match(approvalText, /--- \/dev\/null\n\+\+\+ b\/notes\/ferry\.md\n@@ -0,0 \+1,1 @@\n\+Ferries: none run Lisbon to Porto; take the Alfa Pendular train \(2 h 50\)\./);
    r = await aos(['approve']);
    assert.match(r.stdout, new RegExp(`${id}\\s+researcher\\s+file\\s+notes/ferry\\.md`));
    r = await aos(['inbox', 'show', 'ferry']);
    assert.match(r.stdout, new RegExp(`Waits for your answer to ${id}`));
    assert.match(r.stdout, /\+Ferries: none run Lisbon to Porto/);
    r = await aos(['approve', id]);
    assert.is(r.code, 0, r.stderr);
    assert.match(git(home, ['log', '-1', '--format=%an|%s']), new RegExp(`^sam\\|approval: approve ${id}`));

    // --- The next tick performs exactly that write, once, and the researcher finishes.
    server.push({ text: 'Saved the ferry times in notes/ferry.md.' });
    r = await aos(['tick']);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 4);
    assert.is(read(home, 'notes/ferry.md'), FERRY_NOTE);
    assert.ok(doneFile(home, 'ferry'), 'the dropped item is done');
    assert.equal(filesUnder(home, 'inbox/approvals').filter((f) => f.endsWith('.md') && !f.includes('/done/')), [], 'no approval left open');

    // --- The morning brief (cron's 07:00 job), then more ticks: the brief happens exactly once.
    server.push({ text: 'Good morning, sam. Done: the welcome, the packing list, the ferry times.' });
    r = await aos(['brief']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /Good morning, sam\./);
    for (let i = 0; i < 2; i++) assert.is((await aos(['tick'])).code, 0);
    assert.is(server.requests.length, 5, 'idle ticks ask the model nothing');
    assert.is(git(home, ['log', '--format=%H', '--grep=Aos-Kind: brief']).trim().split('\n').filter(Boolean).length, 1, 'one brief commit');
    const briefEntries = filesUnder(home, 'logs').filter((f) => !f.startsWith('logs/runs/')).flatMap((f) => read(home, f).split('\n').filter((l) => /^## .* · brief · /.test(l)));
    assert.is(briefEntries.length, 1, `one brief in the daily log, found:\n${briefEntries.join('\n')}`);

    // --- aos status shows the heartbeat: the last tick, as recorded.
    const last = JSON.parse(read(home, '.aos/last-tick.json'));
    r = await aos(['status']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Last tick: ${last.time.replace(/[.]/g, '\\.')} \\(${last.outcome}\\)`));
    assert.not.match(r.stderr, /warning/);

    // --- Ctrl-C while aos run waits on the model: one line, the run cancelled and committed, the
    // lock released, the home clean for doctor, and the item never run again.
    server.push({ hang: true });
    const child = spawn(process.execPath, [AOS, 'run', 'chief', 'Plan the week'], { cwd: home, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr })));
    await server.waitForRequests(6, 60_000);
    child.kill('SIGINT');
    const stopped = await closed;
    assert.is(stopped.code, 130, stopped.stderr);
    assert.equal(stopped.stderr.trim().split('\n').length, 1, stopped.stderr);
    assert.match(stopped.stderr, /stopped by SIGINT: the run is cancelled and kept \(logs\/runs\/.*committed [0-9a-f]{7}\)/);
    assert.not.ok(existsSync(join(home, '.aos/lock')), 'the lock is released');
    assert.is(git(home, ['status', '--porcelain']), '', 'nothing left uncommitted');
    const week = readdirSync(join(home, 'inbox')).filter((n) => n.endsWith('.md')).map((n) => `inbox/${n}`).find((f) => read(home, f).includes('Plan the week'))!;
    assert.ok(week, 'the cancelled item is kept');
    assert.match(read(home, week), /^status: cancelled$/m);
    const record = /^run: (r-\S+)$/m.exec(read(home, week))![1]!;
    assert.match(read(home, filesUnder(home, 'logs/runs').find((f) => f.includes(record))!), /^outcome: cancelled$/m);
    r = await aos(['tick']);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 6, 'the cancelled run is not retried');
    assert.match(read(home, week), /^status: cancelled$/m);

    // --- The end of the hour: doctor is clean, aos's own folders included.
    r = await aos(['doctor']);
    assert.is(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.is(git(home, ['status', '--porcelain']), '');
  } finally {
    await server.close();
  }
});

test.run();
