// Table tests for the pure sync decisions: device names, claims, which files may hold markers,
// which push failures mean "someone pushed first", which add/add clashes are a schedule slot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { claimPath, claimableName, deviceName, isRejectedPush, judgeClaim, markerChecked, parseClaim, renderClaim, sameGeneratedItem, settleClash, type Claim } from '../../cli/core/runs/sync.js';
import { UserError } from '../../cli/errors.js';

test('deviceName: AOS_DEVICE, then the devices: map by host, then the host name made safe', () => {
  const cases: [string | undefined, string, Record<string, string>, string][] = [
    [undefined, 'alex-laptop', {}, 'alex-laptop'],
    ['desk', 'alex-laptop', { 'alex-laptop': 'laptop' }, 'desk'],
    [undefined, 'alex-laptop', { 'alex-laptop': 'laptop' }, 'laptop'],
    [undefined, 'other', { 'alex-laptop': 'laptop' }, 'other'],
    ['', 'box', {}, 'box'],
    [undefined, "Alex's MacBook Pro.local", {}, 'Alex-s-MacBook-Pro.local'],
    [undefined, '..hidden', {}, 'hidden'],
    [undefined, '???', {}, 'device'],
    [undefined, 'x'.repeat(100), {}, 'x'.repeat(63)],
  ];
  for (const [override, host, map, want] of cases) assert.is(deviceName(override, host, map), want, `${override} ${host}`);
});

test('deviceName: an unsafe AOS_DEVICE is refused, never cleaned up behind the owner’s back', () => {
  for (const bad of ['lap top', '../x', 'a/b', 'x\nAos-Run: fake', '-flag', '.', 'é', 'x'.repeat(64)]) {
    assert.throws(() => deviceName(bad, 'host', {}), (e: unknown) => e instanceof UserError && /AOS_DEVICE/.test((e as Error).message), bad);
  }
});

const now = new Date('2026-11-21T12:00:00Z');
const claim = (device: string, minutesAgo: number, released?: string): Claim => ({
  item: '20261121T100000-abcd',
  device,
  claimed: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
  ...(released ? { released } : {}),
});

test('judgeClaim: free, mine, fresh, stale, stale twice, unreadable', () => {
  assert.equal(judgeClaim(undefined, 'laptop', now, 60), { take: true });
  assert.equal(judgeClaim(claim('laptop', 500), 'laptop', now, 60), { take: true });
  assert.equal(judgeClaim(claim('desk', 59), 'laptop', now, 60).take, false);
  assert.match((judgeClaim(claim('desk', 59), 'laptop', now, 60) as { reason: string }).reason, 'claimed by desk since');
  assert.equal(judgeClaim(claim('desk', 60), 'laptop', now, 60), { take: true, release: 'desk' });
  assert.equal(judgeClaim(claim('desk', 61, 'server'), 'laptop', now, 60).take, false);
  assert.match((judgeClaim(claim('desk', 61, 'server'), 'laptop', now, 60) as { reason: string }).reason, /after server's claim went stale.*delete inbox\/claims\/20261121T100000-abcd\.md/);
  // A claim dated in the future (a skewed clock) is fresh, not stale.
  assert.equal(judgeClaim(claim('desk', -600), 'laptop', now, 60).take, false);
  assert.equal(judgeClaim('unreadable', 'laptop', now, 60).take, false);
  // An item waiting for an approval stays with the device that asked, however old its claim.
  assert.equal(judgeClaim(claim('desk', 10_000), 'laptop', now, 60, true).take, false);
  assert.match((judgeClaim(claim('desk', 10_000), 'laptop', now, 60, true) as { reason: string }).reason, 'waits for an approval desk asked for');
  assert.equal(judgeClaim(claim('laptop', 10_000), 'laptop', now, 60, true), { take: true });
  assert.equal(judgeClaim(undefined, 'laptop', now, 60, true), { take: true });
});

test('claims: render and parse round-trip; hostile or damaged files read as unreadable', () => {
  for (const c of [claim('desk', 5), { ...claim('laptop', 90, 'desk'), agent: 'chief' }]) assert.equal(parseClaim(renderClaim(c)), c);
  assert.is(claimPath('20261121T100000-abcd'), 'inbox/claims/20261121T100000-abcd.md');
  const bad = [
    '',
    'item: x\ndevice: d\nclaimed: 2026-11-21T10:00:00Z\n',
    '---\nitem: x\ndevice: d\n---\n',
    '---\nitem: x\ndevice: d e\nclaimed: 2026-11-21T10:00:00Z\n---\n',
    '---\nitem: x\ndevice: d\nclaimed: yesterday\n---\n',
    '---\nitem: x\ndevice: ../../etc\nclaimed: 2026-11-21T10:00:00Z\n---\n',
  ];
  for (const text of bad) assert.is(parseClaim(text), undefined, JSON.stringify(text));
  assert.equal(parseClaim('---\r\nitem: x\r\ndevice: d\r\nclaimed: 2026-11-21T10:00:00Z\r\n---\r\n'), { item: 'x', device: 'd', claimed: '2026-11-21T10:00:00Z' });
});

test('claimableName: any inbox entry but control characters; parseClaim refuses an item that is a path', () => {
  for (const ok of ['20261121T100000-abcd', 'my task', 'Résumé notes', 'a..b']) assert.ok(claimableName(ok), ok);
  for (const bad of ['', '.hidden', 'a/b', '../x', 'a\\b', 'line\nbreak', 'tab\there', 'x'.repeat(201)]) assert.not.ok(claimableName(bad), JSON.stringify(bad));
  assert.is(parseClaim('---\nitem: ../../agents/chief\ndevice: d\nclaimed: 2026-11-21T10:00:00Z\n---\n'), undefined);
});

test('markerChecked: state files yes; logs, handled items and other files no', () => {
  const yes = ['aos.yaml', 'agents/chief.md', 'memory/MEMORY.md', 'memory/x.md', 'goals/g.md', 'inbox/x.md', 'inbox/approvals/ap-1.md', 'inbox/claims/x.md', 'notes/a.yml'];
  const no = ['logs/2026/11/2026-11-21.md', 'logs/runs/2026/11/r-1.md', 'inbox/done/2026/11/x.md', 'scripts/x.sh', 'notes/a.txt', '.gitattributes'];
  for (const p of yes) assert.ok(markerChecked(p), p);
  for (const p of no) assert.not.ok(markerChecked(p), p);
});

test('isRejectedPush: a remote that moved on, not a broken remote', () => {
  const rejected = [
    ' ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs',
    ' ! [rejected]        HEAD -> main (non-fast-forward)',
    ' ! [remote rejected] HEAD -> main (cannot lock ref \'refs/heads/main\': is at 1234 but expected 5678)',
  ];
  const broken = ["fatal: '/nowhere.git' does not appear to be a git repository", 'fatal: Could not read from remote repository.', 'ssh: connect to host example.org port 22: Connection refused'];
  for (const e of rejected) assert.ok(isRejectedPush(e), e);
  for (const e of broken) assert.not.ok(isRejectedPush(e), e);
});

test('sameGeneratedItem: one schedule slot or one day\'s drill created twice, and nothing else', () => {
  const item = (slot: string, extra = '', to = 'chief') => `---\nid: x\nfrom: schedule\nto: ${to}\nkind: schedule\ncreated: 2026-11-21T09:00:0${extra.length % 10}Z\nslot: ${slot}\n---\nReview.${extra}\n`;
  const s = '2026-11-21T09:00:00+00:00';
  assert.ok(sameGeneratedItem('inbox/20261121T090000-chief-a.md', item(s), item(s, ' (missed)')));
  assert.not.ok(sameGeneratedItem('inbox/20261121T090000-chief-a.md', item(s), item('2026-11-22T09:00:00+00:00')));
  assert.not.ok(sameGeneratedItem('inbox/20261121T090000-chief-a.md', item(s), item(s, '', 'coder')));
  assert.not.ok(sameGeneratedItem('memory/x.md', item(s), item(s)));
  assert.not.ok(sameGeneratedItem('inbox/done/2026/11/x.md', item(s), item(s)));
  assert.not.ok(sameGeneratedItem('inbox/x.md', item(s).replace('kind: schedule', 'kind: task'), item(s)));
  // "kind: schedule" in the body does not make an owner's item a schedule item.
  const owner = '---\nfrom: owner\nslot: ' + s + '\nto: chief\n---\nkind: schedule\nfrom: schedule\n';
  assert.not.ok(sameGeneratedItem('inbox/x.md', owner, item(s)));
  assert.not.ok(sameGeneratedItem('inbox/x.md', '', item(s)));
  // A goal's drill (or re-research) item filed on two devices the same day.
  const drill = (kind: string, to = 'tutor', from = 'goals') => `---\nid: 20261121-drill-ielts.task2\nfrom: ${from}\nto: ${to}\nkind: ${kind}\ncreated: 2026-11-21T07:0${to.length % 10}:00Z\n---\nDrill due.\n`;
  assert.ok(sameGeneratedItem('inbox/20261121-drill-ielts.task2.md', drill('drill'), drill('drill')));
  assert.ok(sameGeneratedItem('inbox/20261121-research-ielts.task2.md', drill('research'), drill('research')));
  assert.not.ok(sameGeneratedItem('inbox/x.md', drill('drill'), drill('research')));
  assert.not.ok(sameGeneratedItem('inbox/x.md', drill('drill'), drill('drill', 'coder')));
  assert.not.ok(sameGeneratedItem('inbox/x.md', drill('drill', 'tutor', 'owner'), drill('drill')));
  assert.not.ok(sameGeneratedItem('inbox/x.md', drill('drill'), item(s)));
});


test('settleClash: a generated item keeps the remote copy; two handled copies of one item are both kept; anything else is the owner\'s', () => {
  const slot = `---\nfrom: schedule\nto: chief\nkind: schedule\nslot: 2026-11-21T09:00:00+00:00\n---\nReview.\n`;
  assert.equal(settleClash('inbox/20261121T090000-chief-a.md', slot, slot), { keepRemote: true });
  const handled = (run: string) => `---\nid: x\nstatus: done\nhandled_by: chief\nrun: ${run}\n---\nDo it.\n\n## Result\n\nDone on ${run}.\n`;
  const remote = handled('r-20261121T100000-aaaa');
  const local = handled('r-20261121T093000-bbbb');
  assert.equal(settleClash('inbox/done/2026/11/x.md', remote, local), {
    keepRemote: true,
    alsoWrite: { path: 'inbox/done/2026/11/x.r-20261121T093000-bbbb.md', text: local },
  });
  // A run id is data: anything but letters, digits and dashes never reaches the path.
  assert.is(settleClash('inbox/done/2026/11/x.md', remote, handled('../../../agents/chief'))!.alsoWrite!.path, 'inbox/done/2026/11/x.local.md');
  assert.is(settleClash('inbox/done/2026/11/x.md', remote, ''), undefined, 'a deletion on one side is the owner\'s');
  assert.is(settleClash('inbox/done/x.md', remote, local), undefined);
  assert.is(settleClash('memory/x.md', remote, local), undefined);
  assert.is(settleClash('inbox/x.md', remote, local), undefined);
});

test.run();
