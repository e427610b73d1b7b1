// What every bench script starts from: the project's build (made if missing), a snapshot of it so a
// rebuild in the project during the run cannot pull chunks away, the aos to time (BENCH_AOS times
// another build, for a before/after comparison) and a bare environment with its own HOME.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist/aos.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const snapshot = mkdtempSync(join(tmpdir(), 'aos-bench-dist-'));
if (!process.env.BENCH_AOS) {
  cpSync(join(root, 'dist'), join(snapshot, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(snapshot, 'package.json'));
}
export const aos = process.env.BENCH_AOS ?? join(snapshot, 'dist/aos.js');
/** aos init reads the starter files next to the real build. */
export const starter = join(root, 'dist/aos.js');
export const env = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'aos-bench-user-')), LANG: 'C.UTF-8' };
/** Removes the snapshot (at the end of a run). */
export const dropSnapshot = () => rmSync(snapshot, { recursive: true, force: true });
