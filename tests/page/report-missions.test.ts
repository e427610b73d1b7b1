// The report's Missions page: every mission with its stage and status, its ladder, its progress and,
// when it had candidates, the arena table; text from the home is escaped or sanitized.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { aos, json, newHome, tempDir, write } from '../helpers.js';
import { targetRepo } from '../mission-helpers.js';
import { arenaDocument, rankCandidates } from '../../cli/core/arena/score.js';

test('missions.html lists each mission, its ladder and its arena table', () => {
  const home = newHome();
  write(home, 'agents/coder.md', '---\nname: Coder\nrole: Fixes code.\ncapabilities:\n  - "file:**:read,write"\n---\nYou code.\n');
  const made = aos(['mission', 'new', 'fix add() <script>window.__pwned=1</script>', '--repo', targetRepo(), '--check', 'node --test', '--home', home, '--json']);
  assert.is(made.code, 0, made.stderr);
  const id = json(made).id;
  const limits = { maxFiles: 80, maxBytes: 1_000_000 };
  const facts = { agent: 'coder', brain: 'anthropic', model: 'claude-sonnet-4-6', ran_clean: true, trace_intact: true, rulebook_clean: true, violations: [], checks: [{ command: 'node --test', passed: true }], files: 1, lines: 2, bytes: 40, tokens: 500, usd: 0.01, diff_sha: 'd'.repeat(64), record_sha: 'e'.repeat(64) };
  write(home, `missions/${id}/arena.md`, arenaDocument(id, rankCandidates([{ ...facts, id: 'c1' }, { ...facts, id: 'c2', rulebook_clean: false, violations: ['max-files'], files: 81 }], limits), limits));
  const out = join(tempDir(), 'site');
  const r = aos(['report', '--out', out, '--home', home]);
  assert.is(r.code, 0, r.stderr);
  const html = readFileSync(join(out, 'missions.html'), 'utf8');
  assert.match(html, `<td>${id}</td>`);
  assert.match(html, '<td>plan</td><td>active</td>');
  assert.match(html, '<li class="current active">plan</li><li class="todo">implement</li>');
  assert.match(html, /<table>[\s\S]*<td>c1<\/td>[\s\S]*<td>c2<\/td>/);
  assert.match(html, 'Winner: <strong>c1</strong>');
  assert.not.match(html, '<script>window.__pwned');
  assert.match(html, '&lt;script&gt;window.__pwned=1&lt;/script&gt;');
});

test.run();
