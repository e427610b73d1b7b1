// Table tests for core/agents/delegtree.ts (limits per tree of delegations) and
// core/runs/itemsource.ts (who an item really comes from).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TREE_LIMITS, treeRefusal, treeRoot } from '../../cli/core/agents/delegtree.js';
import { itemSource } from '../../cli/core/runs/itemsource.js';

// [delegations so far, tokens, depth, refused?, why]
const table: [number, number, number, RegExp | undefined, string][] = [
  [0, 0, 1, undefined, 'a fresh tree'],
  [TREE_LIMITS.delegations - 1, 0, 2, undefined, 'one below the total'],
  [TREE_LIMITS.delegations, 0, 2, /already holds 10 delegations/, 'the total reached, whichever item asks'],
  [0, 0, TREE_LIMITS.depth, /agents deep/, 'the depth reached'],
  [0, TREE_LIMITS.tokens, 1, /tokens/, 'the tree spent its tokens'],
];
for (const [delegations, tokens, depth, refused, why] of table) {
  test(`treeRefusal: ${why}`, () => {
    const r = treeRefusal({ root: 'i-root', delegations, tokens, depth });
    if (refused) assert.match(r ?? '', refused);
    else assert.is(r, undefined);
  });
}

test('treeRoot: an item heads its own tree unless it names a root', () => {
  assert.is(treeRoot({ id: 'a', front: {} }), 'a');
  assert.is(treeRoot({ id: 'b', front: { root: 'a' } }), 'a');
});

// [front matter from, the adding commit, result, why]
const sources: [string | undefined, { agent?: string } | undefined, { from: string; forged?: string }, string][] = [
  ['owner', {}, { from: 'owner' }, "the owner's commit (no agent trailer)"],
  [undefined, {}, { from: 'owner' }, 'no from field means the owner'],
  ['owner', { agent: 'mallory' }, { from: 'mallory', forged: 'owner' }, "an agent's run wrote a from: owner item"],
  ['chief', { agent: 'mallory' }, { from: 'mallory', forged: 'chief' }, 'posing as another agent'],
  ['chief', { agent: 'chief' }, { from: 'chief' }, 'a delegation its own agent committed'],
  ['owner', undefined, { from: 'owner' }, 'not committed yet: the front matter stands'],
  ['schedule', {}, { from: 'schedule' }, "aos's own schedule commit"],
];
for (const [claimed, added, expected, why] of sources) {
  test(`itemSource: ${why}`, () => assert.equal(itemSource(claimed, added), expected));
}

test.run();
