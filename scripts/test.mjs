// Runs the uvu suites (TypeScript through tsx) and ends with the line CI reads: "N passed, N failed".
// uvu prints totals but no failure count, so it is computed here from Total, Passed and Skipped.
import { spawn } from 'node:child_process';

const args = ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'tests', '\\.test\\.ts$', ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(clean)?.[1] ?? NaN);
  const [total, passed, skipped] = [num('Total'), num('Passed'), num('Skipped') || 0];
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.log(`\nthe test run stopped before its summary (exit ${code})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const failed = total - passed - skipped;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
