// itemView: one shape of an inbox item for aos inbox --json and aos mcp's inbox tool.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { itemView } from '../../cli/core/runs/inbox.js';
import type { InboxFront } from '../../cli/core/docs/schemas.js';

test('itemView: defaults for what the front matter leaves out, nothing else', () => {
  const base = { id: '20261120T100000-ab12', file: 'inbox/20261120T100000-ab12.md', subject: 'Book the dentist' };
  const cases: [string, Partial<InboxFront>, Record<string, unknown>][] = [
    ['bare', { kind: 'task', priority: 'normal', status: 'new' }, { from: 'owner', to: null, kind: 'task', priority: 'normal', status: 'new', created: null }],
    ['full', { from: 'chief', to: 'tutor', kind: 'task', priority: 'high', status: 'done', created: '2026-11-20T10:00:00+01:00' }, { from: 'chief', to: 'tutor', kind: 'task', priority: 'high', status: 'done', created: '2026-11-20T10:00:00+01:00' }],
  ];
  for (const [name, front, want] of cases) assert.equal(itemView({ ...base, front: front as InboxFront }), { ...base, ...want }, name);
});

test.run();
