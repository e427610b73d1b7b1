// aos serve end to end: a real `aos serve` process, a real home with an approval a real tick asked
// for, a real Chromium. Without the token nothing is answered; an approve click answers once (a
// second click or POST does not approve twice) and the next tick performs the action once; a file
// changed on disk shows up in the open page without a reload.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aosAsync, git, json, read, write } from '../helpers.js';
import { envFor, tick, addItem, withModel } from '../model-helpers.js';
import { browser } from '../report-helpers.js';

function setPolicy(home: string): void {
  const yaml = read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '');
  write(home, 'aos.yaml', yaml + 'policy:\n  ask: ["file:notes/**:write"]\n');
  git(home, ['commit', '-qam', 'policy']);
}

/** Starts `aos serve --port 0` and resolves with its printed URL. */
function startServe(home: string): Promise<{ child: ChildProcess; url: string; base: string; token: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AOS, 'serve', '--home', home, '--port', '0'], { env: envFor(undefined) });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]+)/.exec(out);
      if (m) resolve({ child, url: m[0], base: m[1]!, token: m[2]!, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`aos serve exited ${code}: ${err}`)));
  });
}

const approvalFiles = (home: string) => (existsSync(join(home, 'inbox/approvals')) ? readdirSync(join(home, 'inbox/approvals')).filter((n) => n.endsWith('.md')) : []);
const approveCommits = (home: string, id: string) => git(home, ['log', '--format=%s', '--fixed-strings', `--grep=approval: approve ${id}`]).split('\n').filter(Boolean);

test('aos serve: 401 without the token; one approve click answers once, the tick performs it once; a changed file appears without reload', async () => {
  await withModel({ replies: [{ tools: [{ name: 'write_file', input: { path: 'notes/plan.md', content: 'the plan\n' } }] }, { text: 'Saved the plan.' }] }, async ({ server, home }) => {
    setPolicy(home);
    addItem(home, 'Write the plan', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const files = approvalFiles(home);
    assert.is(files.length, 1, 'the tick asked for approval');
    const id = files[0]!.slice(0, -3);

    const s = await startServe(home);
    const ctx = await browser();
    try {
      // No token, a wrong token, a token of the wrong length: 401 on every path, the events and the API included.
      for (const path of ['/', '/index.html', '/assets/page.js', '/events', '/api/status', '/api/runs', '/api/usage', '/api/items']) {
        assert.is((await fetch(s.base + path)).status, 401, path);
        assert.is((await fetch(`${s.base}${path}?token=${'0'.repeat(s.token.length)}`)).status, 401, path);
        assert.is((await fetch(s.base + path, { headers: { authorization: 'Bearer nope' } })).status, 401, path);
      }
      for (const path of [`/api/approvals/${id}/approve`, '/api/inbox']) assert.is((await fetch(s.base + path, { method: 'POST', body: '{"text":"x"}' })).status, 401, path);
      assert.equal(approvalFiles(home), files, 'nothing answered without the token');
      // With the token: the API answers in the commands' --json shapes.
      const auth = { authorization: `Bearer ${s.token}` };
      const apiStatus = await (await fetch(`${s.base}/api/status`, { headers: auth })).json();
      const cliStatus = json(await aosAsync(['status', '--home', home, '--json'], { env: envFor(undefined) }));
      assert.equal(Object.keys(apiStatus).sort(), Object.keys(cliStatus).sort());
      assert.is(apiStatus.approvals, 1);
      const apiUsage = await (await fetch(`${s.base}/api/usage?by=model&token=${s.token}`)).json();
      assert.equal(apiUsage, json(await aosAsync(['usage', '--home', home, '--json', '--by', 'model'], { env: envFor(undefined) })));
      // POST /api/inbox adds an item as aos inbox add does; the cookie alone may not change anything.
      const added = await fetch(`${s.base}/api/inbox`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'Book the train', to: 'researcher' }) });
      assert.is(added.status, 201);
      const item = await added.json();
      assert.match(read(home, item.file), /to: researcher[\s\S]*Book the train/);
      assert.match(git(home, ['log', '-1', '--format=%s']), /inbox: add "Book the train"/);
      const port = new URL(s.base).port;
      const cookieOnly = await fetch(`${s.base}/api/inbox`, { method: 'POST', headers: { cookie: `aos_token_${port}=${s.token}` }, body: JSON.stringify({ text: 'forged' }) });
      assert.is(cookieOnly.status, 403);
      const bad = await fetch(`${s.base}/api/inbox`, { method: 'POST', headers: auth, body: '{"text":' });
      assert.is(bad.status, 400);
      assert.match((await bad.json()).error, /must be JSON/);
      // A change with the token but from another origin is refused.
      const cross = await fetch(`${s.base}/api/approvals/${id}/approve`, { method: 'POST', headers: { ...auth, origin: 'http://evil.example' } });
      assert.is(cross.status, 403);
      assert.is(approveCommits(home, id).length, 0);

      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(s.url);
      assert.ok(!page.url().includes('token='), 'the token leaves the address bar');
      await page.evaluate(() => ((window as any).__sameDocument = 'yes'));

      // One click approves; the buttons lock; the home says approved, in one commit.
      await page.click(`li[data-approval="${id}"] button[data-answer="approve"]`);
      await page.waitForFunction((id) => document.querySelector(`li[data-approval="${id}"] .answer-result`)?.textContent === 'approved' || !document.querySelector(`li[data-approval="${id}"]`), id);
      assert.match(read(home, `inbox/approvals/${id}.md`), /status: approved/);
      assert.is(approveCommits(home, id).length, 1);
      // A second answer, as a click would send it: refused, and nothing is committed twice.
      const again = await page.evaluate(async ({ id, token }) => {
        const r = await fetch(`/api/approvals/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        return { status: r.status, body: await r.json() };
      }, { id, token: s.token });
      assert.is(again.status, 409);
      assert.match(again.body.error, /already approved/);
      assert.is(approveCommits(home, id).length, 1);
      // The answer's own file change reaches the page over the events: the approval leaves the list.
      await page.waitForSelector('#approvals:not(ul)', { timeout: 10_000 });

      // A file written on disk shows up in the open page, without a reload.
      const before = await page.textContent('#inbox-counts');
      write(home, 'inbox/20261121T120000-byhand.md', '---\nfrom: owner\nkind: task\npriority: normal\ncreated: 2026-11-21T12:00:00+00:00\nstatus: new\n---\nAdded by hand\n');
      await page.waitForFunction((before) => document.querySelector('#inbox-counts')?.textContent !== before, before, { timeout: 10_000 });
      assert.match((await page.textContent('#inbox-counts'))!, /2 new/);
      assert.is(await page.evaluate(() => (window as any).__sameDocument), 'yes', 'the page was not reloaded');
      // The deliberate second answer above is the one failed request the console may show.
      assert.equal(errors.filter((e) => !/status of 409 \(Conflict\)/.test(e)), []);

      // The next tick performs the approved action, once.
      assert.is((await tick(home, server)).code, 0);
      assert.is(read(home, 'notes/plan.md'), 'the plan\n');
      assert.match(git(home, ['log', '--format=%s']), /approval: approve/);
      assert.is(approveCommits(home, id).length, 1);
    } finally {
      await ctx.close();
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }
  });
});

test.run();
