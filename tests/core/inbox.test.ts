// Table tests for core/runs/inbox.ts: a new item's file parses back to what was asked, with the defaults
// (from the owner, a task, normal priority, status new) and no empty fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderItem, type NewItem } from '../../cli/core/runs/inbox.js';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { validate } from '../../cli/core/docs/validate.js';
import { InboxItemSchema } from '../../cli/core/docs/schemas.js';

const created = '2026-11-21T10:00:00+00:00';

// [item, expected front matter, expected body, why]
const table: [NewItem, Record<string, unknown>, string, string][] = [
  [{ id: 'i1', text: 'Book flights', created }, { id: 'i1', from: 'owner', kind: 'task', priority: 'normal', created, status: 'new' }, 'Book flights\n', 'the defaults'],
  [
    { id: 'i2', text: '  padded text \n\n', created, from: 'chief', to: 'researcher', kind: 'delegation', priority: 'high', parent: 'i1', chain: ['chief'] },
    { id: 'i2', from: 'chief', to: 'researcher', kind: 'delegation', priority: 'high', created, parent: 'i1', chain: ['chief'], status: 'new' },
    'padded text\n',
    'a delegation keeps its parent and chain; the text is trimmed to one final newline',
  ],
  [{ id: 'i3', text: 'x', created, chain: [] }, { id: 'i3', from: 'owner', kind: 'task', priority: 'normal', created, status: 'new' }, 'x\n', 'an empty chain is left out'],
  [{ id: 'i4', text: 'drill', created, kind: 'drill', slot: '2026-11-21T09:00:00+00:00' }, { id: 'i4', from: 'owner', kind: 'drill', priority: 'normal', created, slot: '2026-11-21T09:00:00+00:00', status: 'new' }, 'drill\n', 'a schedule slot is kept'],
  [{ id: 'i5', text: '---\nnot front matter\n---', created }, { id: 'i5', from: 'owner', kind: 'task', priority: 'normal', created, status: 'new' }, '---\nnot front matter\n---\n', 'fences in the text stay in the body'],
];

for (const [item, front, body, why] of table) {
  test(`renderItem: ${why}`, () => {
    const text = renderItem(item);
    const doc = parseFrontMatter(`inbox/${item.id}.md`, text);
    assert.equal(doc.problems, []);
    assert.equal(doc.data, front);
    assert.is(doc.body, body);
    assert.equal(validate(InboxItemSchema, doc.data, `inbox/${item.id}.md`).problems, []);
  });
}

test.run();
