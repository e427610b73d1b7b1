// One walker for the store's dated trees (the logs, inbox/done, logs/runs): newest first, and a
// symbolic link is neither listed nor followed, whether it is a file, a month or a year.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { monthFiles, monthFolders } from '../../cli/home/files.js';
import { listRecords } from '../../cli/home/records.js';
import { doneFolders } from '../../cli/home/store.js';
import { gather } from '../../cli/flows/dream.js';
import { tempDir, write } from '../helpers.js';

function tree(): string {
  const root = tempDir('aos-walk-');
  const elsewhere = tempDir('aos-walk-outside-');
  write(elsewhere, '2026-11-19.md', '# 2026-11-19\n\n## 09:00:00 · note · chief\nfrom outside\n');
  mkdirSync(join(elsewhere, 'month'));
  write(elsewhere, 'month/2026-10-01.md', '# 2026-10-01\n\n## 09:00:00 · note · chief\nfrom outside\n');
  write(root, 'logs/2026/11/2026-11-20.md', '# 2026-11-20\n\n## 09:00:00 · note · chief\nreal\n');
  write(root, 'logs/2025/12/2025-12-31.md', '# 2025-12-31\n\n## 09:00:00 · note · chief\nolder\n');
  write(root, 'logs/2026/11/notes.txt', 'not a log\n');
  write(root, 'logs/2026/11/.2026-11-18.md', 'a dotfile\n');
  symlinkSync(join(elsewhere, '2026-11-19.md'), join(root, 'logs/2026/11/2026-11-19.md'));
  symlinkSync(join(elsewhere, 'month'), join(root, 'logs/2026/10'));
  symlinkSync(join(root, 'logs/2026'), join(root, 'logs/2027'));
  write(root, 'logs/runs/2026/11/r-20261120T090000-ab12.md', 'a record\n');
  write(root, 'logs/runs/2026/10/r-20261020T090000-cd34.md', 'a record\n');
  write(root, 'logs/runs/2026/10/notes.md', 'not a record\n');
  mkdirSync(join(root, 'inbox/done/2026/11'), { recursive: true });
  mkdirSync(join(root, 'inbox/done/2026/9'), { recursive: true });
  mkdirSync(join(root, 'inbox/done/2025/12'), { recursive: true });
  return root;
}

test('monthFolders and monthFiles: newest first, only YYYY/MM folders, no links, no dotfiles', async () => {
  const root = tree();
  assert.equal(await monthFolders(root, 'logs'), ['logs/2026/11', 'logs/2025/12']);
  assert.equal(await monthFiles(root, 'logs', /^\d{4}-\d{2}-\d{2}\.md$/), ['logs/2026/11/2026-11-20.md', 'logs/2025/12/2025-12-31.md']);
  assert.equal(await monthFolders(root, 'nothing-here'), []);
});

test('run records, done folders and the first dream all walk the same way', async () => {
  const root = tree();
  assert.equal(await listRecords(root), ['logs/runs/2026/11/r-20261120T090000-ab12.md', 'logs/runs/2026/10/r-20261020T090000-cd34.md']);
  assert.equal(await doneFolders(root), ['inbox/done/2026/11', 'inbox/done/2025/12']);
  // The first dream reads every log: a linked log (fast-glob followed it) is not read.
  const entries = await gather({ root } as any, { vars: {} } as any, undefined);
  assert.equal(entries.map((e) => e.body), ['older', 'real']);
});

test.run();
