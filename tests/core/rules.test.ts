// Table tests for core/rules/: which paths each family of junk kinds catches (and which look alike
// but are ordinary files), the limits, renames and deletions, and how aos.yaml tunes the book.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_LIMITS, JUNK_FAMILIES, RULEBOOK } from '../../cli/core/rules/rulebook.js';
import { judgeChange, judgePaths, junkKindOf, resolveRulebook, rulesProblems, type ChangedPath } from '../../cli/core/rules/judge.js';
import { ValidationError } from '../../cli/errors.js';

const book = resolveRulebook([]);

// [path, the kind it belongs to, or null for an ordinary file]
const paths: [string, string | null][] = [
  // build
  ['dist/index.js', 'dist'],
  ['packages/app/dist/main.js', 'dist'],
  ['dist.md', null],
  ['docs/dist.md', null],
  ['distribution/x.js', null],
  ['build/out.bin', 'build-dir'],
  ['scripts/build.mjs', null],
  ['target/debug/app', 'rust-maven-target'],
  ['src/main.o', 'object-files'],
  ['Main.class', 'java-class'],
  ['pkg/mod.pyc', 'python-bytecode'],
  ['pkg/__pycache__/cache.json', 'pycache'],
  ['lib/foo.egg-info/PKG-INFO', 'python-egg-info'],
  ['web/.next/cache/x', 'next-build'],
  ['tsconfig.tsbuildinfo', 'tsbuildinfo'],
  ['cmake-build-debug/Makefile', 'cmake-build'],
  // dependencies
  ['node_modules/x.js', 'node-modules'],
  ['a/node_modules/x', 'node-modules'],
  ['NODE_MODULES/x.js', 'node-modules'],
  ['node_modules', null], // a file of that name is not the folder
  ['web/node_modules/', 'node-modules'], // the folder itself (git lists an untracked nested repository so)
  ['src/node_modules.ts', null],
  ['bower_components/jquery/jquery.js', 'bower-components'],
  ['.venv/bin/python', 'python-venv'],
  ['venv/lib/x.py', 'python-venv'],
  ['lib/python3.12/site-packages/six.py', 'site-packages'],
  ['.yarn/cache/pkg.zip', 'yarn-cache'],
  ['sub/.yarn/cache/pkg.txt', null], // a path glob is anchored at the root
  ['vendor/github.com/x/y.go', null], // opt-in
  // caches
  ['.cache/x', 'dot-cache'],
  ['.pytest_cache/v/cache', 'pytest-cache'],
  ['.mypy_cache/3.12/x.json', 'mypy-cache'],
  ['.ruff_cache/x', 'ruff-cache'],
  ['.gradle/8.0/x', 'gradle'],
  ['app/.nuxt/x.js', 'nuxt-build'],
  ['.parcel-cache/x', 'parcel-cache'],
  ['.turbo/x', 'turbo'],
  ['.eslintcache', 'eslint-cache'],
  // coverage
  ['coverage/lcov-report/index.html', 'coverage-dir'],
  ['.nyc_output/x.json', 'nyc-output'],
  ['htmlcov/index.html', 'htmlcov'],
  ['cov.lcov', 'lcov'],
  ['.coverage', 'python-coverage'],
  ['src/coverage.ts', null],
  // editor and OS
  ['.DS_Store', 'ds-store'],
  ['deep/dir/.ds_store', 'ds-store'],
  ['Thumbs.db', 'thumbs-db'],
  ['desktop.ini', 'desktop-ini'],
  ['src/.main.c.swp', 'vim-swap'],
  ['notes.txt~', 'tilde-backup'],
  ['.#main.c', 'emacs-lock'],
  ['.idea/workspace.xml', 'idea'],
  ['.vscode/settings.json', null], // opt-in
  // logs
  ['server.log', 'log-files'],
  ['npm-debug.log.1', 'package-manager-logs'],
  ['src/log.ts', null],
  ['src/logs/index.ts', null],
  // archives
  ['release.zip', 'zip'],
  ['pkg-1.0.tar.gz', 'tarballs'],
  ['pkg.tgz', 'tarballs'],
  ['x.7z', '7z'],
  ['x.rar', 'rar'],
  // binaries
  ['app.exe', 'executables'],
  ['x.dll', 'shared-libraries'],
  ['libx.so', 'shared-libraries'],
  ['libx.so.1', 'shared-libraries'],
  ['libx.dylib', 'shared-libraries'],
  ['firmware.bin', 'raw-binaries'],
  ['site.example.com', null],
  // lockfiles: opt-in
  ['package-lock.json', null],
  // secrets
  ['.env', 'dotenv'],
  ['.env.local', 'dotenv'],
  ['config/.env.production', 'dotenv'],
  ['.env.example', null],
  ['environment.ts', null],
  ['certs/server.pem', 'pem'],
  ['tls.key', 'key-files'],
  ['id_rsa', 'ssh-keys'],
  ['home/.ssh/id_ed25519.pub', 'ssh-keys'],
  ['credentials.json', 'credentials-json'],
  ['x/.aws/credentials', 'credentials-json'],
  ['.npmrc', null], // opt-in
  ['.netrc', 'netrc'],
  // scratch
  ['main.c.orig', 'merge-leftovers'],
  ['color.base.css', null],
  // ordinary files
  ['README.md', null],
  ['src/add.js', null],
  ['test/add.test.js', null],
  ['./src/x.ts', null],
];

for (const [path, kind] of paths) {
  test(`junkKindOf("${path}") is ${kind ?? 'no junk'}`, () => {
    assert.is(junkKindOf(path, book)?.name ?? null, kind);
  });
}

test('the book: over eighty kinds, unique lowercase names, every family used, each with globs and a one-line why', () => {
  assert.ok(RULEBOOK.length > 80, `${RULEBOOK.length} kinds`);
  assert.ok(RULEBOOK.filter((k) => !k.optIn).length > 80);
  assert.is(new Set(RULEBOOK.map((k) => k.name)).size, RULEBOOK.length);
  for (const k of RULEBOOK) {
    assert.match(k.name, /^[a-z0-9][a-z0-9-]*$/);
    assert.ok(k.globs.length > 0, k.name);
    assert.ok(k.why && !k.why.includes('\n'), k.name);
  }
  for (const f of JUNK_FAMILIES) assert.ok(RULEBOOK.some((k) => k.family === f), f);
});

const change = (path: string, status: ChangedPath['status'] = 'added', bytes = 10, from?: string): ChangedPath => ({ path, status, bytes, ...(from ? { from } : {}) });

test('judgeChange: adding or modifying junk is refused naming the path and the rule; deleting it is a cleanup', () => {
  const j = judgeChange([change('node_modules/x.js'), change('.env', 'modified'), change('dist/a.js', 'deleted', 0), change('src/a.js')], book);
  assert.is(j.ok, false);
  assert.equal(j.violations.map((v) => [v.path, v.rule, v.status]), [['node_modules/x.js', 'node-modules', 'added'], ['.env', 'dotenv', 'modified']]);
  assert.ok(judgeChange([change('dist/a.js', 'deleted', 0), change('.DS_Store', 'deleted', 0)], book).ok);
});

test('judgeChange: a rename into junk is refused, a rename out of junk is not; a rename counts once', () => {
  const into = judgeChange([change('build/a.js', 'renamed', 5, 'src/a.js')], book);
  assert.equal(into.violations.map((v) => v.rule), ['build-dir']);
  assert.is(into.files, 1);
  assert.ok(judgeChange([change('src/a.js', 'renamed', 5, 'build/a.js')], book).ok);
  const renames = Array.from({ length: 80 }, (_, i) => change(`new/${i}.js`, 'renamed', 1, `old/${i}.js`));
  assert.is(judgeChange(renames, book).files, 80);
  assert.ok(judgeChange(renames, book).ok, '80 renames are 80 files, not 160');
});

test('judgeChange: 80 files pass, 81 are refused naming max-files; deletions count as files', () => {
  const files = (n: number, status: ChangedPath['status'] = 'added') => Array.from({ length: n }, (_, i) => change(`src/f${i}.js`, status, 1));
  assert.ok(judgeChange(files(80), book).ok);
  const over = judgeChange(files(81), book);
  assert.equal(over.violations.map((v) => v.rule), ['max-files']);
  assert.match(over.violations[0]!.why, /81 files changed, over the limit of 80/);
  assert.equal(judgeChange(files(81, 'deleted'), book).violations.map((v) => v.rule), ['max-files']);
});

test('judgeChange: exactly 1 MB passes, one byte more is refused naming max-bytes and the largest file; deleted bytes do not count', () => {
  assert.ok(judgeChange([change('a.txt', 'added', DEFAULT_LIMITS.maxBytes)], book).ok);
  const over = judgeChange([change('a.txt', 'added', DEFAULT_LIMITS.maxBytes - 10), change('big.txt', 'modified', 11)], book);
  assert.equal(over.violations.map((v) => v.rule), ['max-bytes']);
  assert.match(over.violations[0]!.why, /over the limit of 1 MB per change \(largest: a\.txt/);
  assert.ok(judgeChange([change('a.txt', 'deleted', 0), change('b.txt', 'added', 5)], book).ok);
  assert.is(judgeChange([change('a.txt', 'added', 7), change('b.txt', 'deleted', 0)], book).bytes, 7);
});

test('judgeChange: the same path listed twice counts once', () => {
  const j = judgeChange([change('a.js', 'modified'), change('a.js', 'modified')], book);
  assert.is(j.files, 1);
});

test('judgePaths: the junk among paths about to be written, with no limits', () => {
  const many = Array.from({ length: 200 }, (_, i) => `src/${i}.js`);
  assert.equal(judgePaths([...many, 'node_modules/left-pad/index.js'], book).map((v) => [v.path, v.rule]), [['node_modules/left-pad/index.js', 'node-modules']]);
});

test('resolveRulebook: aos.yaml enables opt-in kinds, disables kinds, adds its own, sets the limits; a mission layer comes after', () => {
  const tuned = resolveRulebook([
    { settings: { enable: ['lockfiles', 'vendor'], disable: ['zip'], kinds: [{ name: 'fixtures-dump', globs: ['*.dump'], why: 'local dumps' }], max_files: 5, max_kb: 2 }, file: 'aos.yaml' },
    { settings: { max_files: 3 }, file: 'missions/m1/mission.md' },
  ]);
  assert.is(junkKindOf('package-lock.json', tuned)?.name, 'lockfiles');
  assert.is(junkKindOf('vendor/x/y.go', tuned)?.name, 'vendor');
  assert.is(junkKindOf('release.zip', tuned), undefined);
  assert.is(junkKindOf('db/prod.dump', tuned)?.name, 'fixtures-dump');
  assert.equal(tuned.limits, { maxFiles: 3, maxBytes: 2048 });
  assert.equal(book.limits, { ...DEFAULT_LIMITS });
});

test('resolveRulebook: an unknown kind name is an error naming the file and the field, not a silent no-op', () => {
  try {
    resolveRulebook([{ settings: { disable: ['node-modulez'] }, file: '/h/aos.yaml' }]);
    assert.unreachable('should refuse');
  } catch (err) {
    assert.instance(err, ValidationError);
    assert.match((err as Error).message, /\/h\/aos\.yaml: rules\.disable: expected the name of a kind in the rulebook, found "node-modulez"/);
    assert.match((err as Error).message, /lockfiles/);
  }
  assert.equal(rulesProblems([{ settings: { enable: ['vendor'] }, file: 'aos.yaml' }]), []);
  assert.equal(rulesProblems([{ settings: { enable: ['vendr'] }, file: 'aos.yaml' }]).map((p) => [p.file, p.field, p.found]), [['aos.yaml', 'rules.enable', '"vendr"']]);
});

test.run();
