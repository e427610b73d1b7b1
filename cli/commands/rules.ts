// aos rules check: judge a change (the uncommitted one, or a range of commits) against the rulebook
// and the hard limits, the same judge a mission's stages call. Exit 1 names each path and rule.
import { resolve } from 'node:path';
import type { Args, Env } from '../env.js';
import { CONFIG_FILE } from '../core/docs/configfile.js';
import { formatBytes, formatViolation, judgeChange, resolveRulebook, type RulesSettings } from '../core/rules/judge.js';
import { findHome, findHomeIfAny } from '../home/find.js';
import { repositoryRoot, rangeChanges, resolveRange, uncommittedChanges } from '../git/changes.js';

export async function check(args: Args, env: Env): Promise<number> {
  // The home's aos.yaml can tune the book; --repo on a machine without a home uses the built-in one.
  const homeRoot = args.repo === undefined ? findHome(env) : findHomeIfAny(env);
  let settings: RulesSettings | undefined;
  if (homeRoot) {
    const { openHome } = await import('../home/home.js');
    settings = (await openHome({ ...env, homeFlag: homeRoot })).config.rules;
  }
  const book = resolveRulebook([{ settings, file: homeRoot ? resolve(homeRoot, CONFIG_FILE) : CONFIG_FILE }]);
  const root = await repositoryRoot(resolve(env.cwd, String(args.repo ?? homeRoot)), env.vars);
  const range = args.range === undefined ? undefined : String(args.range);
  let changes;
  if (range) {
    const { from, to } = await resolveRange(root, env.vars, range);
    changes = await rangeChanges(root, env.vars, from, to);
  } else changes = await uncommittedChanges(root, env.vars);
  const verdict = judgeChange(changes, book);
  if (env.out.json) {
    env.out.data({ repo: root, range: range ?? null, ...verdict, limits: { max_files: verdict.limits.maxFiles, max_bytes: verdict.limits.maxBytes } });
  } else if (verdict.ok) {
    env.out.line(`OK: ${verdict.files} file${verdict.files === 1 ? '' : 's'} changed, ${formatBytes(verdict.bytes)}, within the rulebook (${book.kinds.length} kinds) and the limits (${book.limits.maxFiles} files, ${formatBytes(book.limits.maxBytes)}) in ${root}${range ? ` ${range}` : ''}`);
  } else {
    for (const v of verdict.violations) env.out.line(formatViolation(v));
    env.out.line(`refused: ${verdict.violations.length} violation${verdict.violations.length === 1 ? '' : 's'} of the rulebook in ${root}${range ? ` ${range}` : ''} (see docs/recovery.md#rulebook-refused)`);
  }
  return verdict.ok ? 0 : 1;
}
