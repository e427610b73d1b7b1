// Every "see docs/recovery.md#…" in aos's messages points at a section that exists, and every
// failure issue 14 names has its section.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { ROOT } from '../helpers.js';

const sections = new Set([...readFileSync(join(ROOT, 'docs/recovery.md'), 'utf8').matchAll(/^## ([a-z-]+)$/gm)].map((m) => m[1]!));

test('links in messages name existing sections', () => {
  const links = new Set<string>();
  for (const f of fg.sync('cli/**/*.ts', { cwd: ROOT })) for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/docs\/recovery\.md#([a-z-]+)/g)) links.add(m[1]!);
  assert.ok(links.size >= 4, [...links].join(', '));
  for (const l of links) assert.ok(sections.has(l), `docs/recovery.md has no section "${l}"`);
});

test('one section per failure a user can meet', () => {
  for (const s of ['bad-aosyaml', 'stuck-lock', 'corrupt-cache', 'half-done-rebase', 'conflict-markers', 'failed-items', 'outage', 'bad-key', 'lost-device']) {
    assert.ok(sections.has(s), s);
  }
});

test.run();
