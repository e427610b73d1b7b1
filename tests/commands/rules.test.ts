// aos rules check on real repositories made in temp folders: the uncommitted change (untracked files
// not ignored included) or a range of commits, judged against the rulebook and the limits; exit 1
// names each path and rule, exit 2 is a wrong --repo or --range, exit 0 is one line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aos, git, json, newHome, tempDir } from '../helpers.js';

function put(root: string, rel: string, content: string | Buffer = 'x\n'): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

/** A repository with one commit: a function, its test, a .gitignore that ignores logs. */
function repo(): string {
  const root = join(tempDir('aos-rules-'), 'target repo');
  mkdirSync(root, { recursive: true });
  git(root, ['init', '-q', '-b', 'main']);
  put(root, 'add.js', 'export const add = (a, b) => a - b;\n');
  put(root, 'add.test.js', 'import { add } from "./add.js";\n');
  put(root, '.gitignore', 'ignored-build/\n');
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'first']);
  return root;
}

const check = (root: string, ...extra: string[]) => aos(['rules', 'check', '--repo', root, ...extra]);

test('a clean change passes with one OK line: modified, added (odd names too), deleted junk, and ignored junk do not count', () => {
  const root = repo();
  put(root, 'add.js', 'export const add = (a, b) => a + b;\n');
  put(root, 'docs/dist.md', 'not the dist folder\n');
  put(root, 'notes/café list.md', 'odd name\n');
  put(root, 'ignored-build/node_modules/x.js', 'ignored by .gitignore\n');
  const r = check(root);
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.is(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stdout, /^OK: 3 files changed/);
});

test('adding node_modules/x.js is refused naming the path and the rule; a staged .env too', () => {
  const root = repo();
  put(root, 'node_modules/x.js');
  put(root, 'src/.env', 'KEY=1\n');
  git(root, ['add', 'src/.env']);
  put(root, 'add.js', 'export const add = (a, b) => a + b;\n');
  const r = check(root);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /node_modules\/x\.js: node-modules \(dependencies\)/);
  assert.match(r.stdout, /src\/\.env: dotenv \(secrets\)/);
  assert.not.match(r.stdout, /add\.js:/);
  assert.match(r.stdout, /refused: 2 violations/);
});

test('deleting committed junk is a cleanup and passes', () => {
  const root = repo();
  put(root, 'dist/bundle.js');
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'oops, dist']);
  git(root, ['rm', '-q', '-r', 'dist']);
  const r = check(root);
  assert.is(r.code, 0, r.stdout);
});

test('81 new files are refused naming the limit; 80 pass', () => {
  const root = repo();
  for (let i = 0; i < 80; i++) put(root, `src/f${i}.js`);
  assert.is(check(root).code, 0);
  put(root, 'src/f80.js');
  const r = check(root);
  assert.is(r.code, 1);
  assert.match(r.stdout, /max-files: 81 files changed, over the limit of 80 files per change/);
});

test('a 1.1 MB file is refused naming the limit and the file', () => {
  const root = repo();
  put(root, 'data/big.txt', Buffer.alloc(Math.round(1.1 * 1024 * 1024), 'a'));
  const r = check(root);
  assert.is(r.code, 1);
  assert.match(r.stdout, /max-bytes: 1\.1 MB added or modified, over the limit of 1 MB per change \(largest: data\/big\.txt 1\.1 MB\)/);
});

test('--range judges those commits only, sized from the commit (not the working tree); renames count once', () => {
  const root = repo();
  put(root, '.env', 'KEY=1\n');
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'a secret']);
  git(root, ['mv', 'add.test.js', 'test.js']);
  put(root, 'data/big.txt', Buffer.alloc(2 * 1024 * 1024, 'b'));
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'big']);
  git(root, ['rm', '-q', 'data/big.txt']);
  git(root, ['commit', '-qm', 'drop big']);
  put(root, 'node_modules/x.js'); // uncommitted: outside every range

  const secret = check(root, '--range', 'HEAD~3..HEAD~2');
  assert.is(secret.code, 1);
  assert.match(secret.stdout, /^\.env: dotenv \(secrets\)/m);
  assert.not.match(secret.stdout, /node_modules/);

  const big = json(check(root, '--range', 'HEAD~2..HEAD~1', '--json'));
  assert.equal(big.violations.map((v: { rule: string }) => v.rule), ['max-bytes']);
  assert.is(big.files, 2, 'the rename counts once');
  assert.is(big.bytes, 2 * 1024 * 1024 + 'import { add } from "./add.js";\n'.length);

  const net = check(root, '--range', 'HEAD~2..');
  assert.is(net.code, 0, 'added then deleted: the range as a whole adds nothing big');
  assert.match(net.stdout, /OK: 1 file changed/);
});

test('--json: repo, range, ok, files, bytes, limits, violations with path, rule, family, why, status', () => {
  const root = repo();
  put(root, 'build/out.js', '12345');
  const r = check(root, '--json');
  assert.is(r.code, 1);
  const data = json(r);
  assert.equal(data, {
    repo: root,
    range: null,
    ok: false,
    files: 1,
    bytes: 5,
    limits: { max_files: 80, max_bytes: 1048576 },
    violations: [{ rule: 'build-dir', family: 'build', why: data.violations[0].why, path: 'build/out.js', status: 'added' }],
  });
  const ok = json(check(root, '--json', '--range', 'HEAD..HEAD'));
  assert.equal([ok.ok, ok.files, ok.violations], [true, 0, []]);
});

test('a bad --range is a usage error naming the range: no dots, an unknown commit', () => {
  const root = repo();
  for (const [range, said] of [['main', /--range "main": expected A\.\.B/], ['nope..HEAD', /--range "nope\.\.HEAD": "nope" is no commit of /]] as const) {
    const r = check(root, '--range', range);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, said);
    assert.is(r.stdout, '');
  }
});

test('a --repo that is no repository, or no folder, is a usage error naming the path', () => {
  const plain = tempDir('aos-norepo-');
  for (const path of [plain, join(plain, 'missing')]) {
    const r = check(path);
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${path} is not a git repository`), r.stderr);
  }
});

test('without --repo the home is judged, with its aos.yaml rules; an unknown kind there is an error naming aos.yaml', () => {
  const home = newHome();
  appendFileSync(join(home, 'aos.yaml'), 'rules:\n  enable: [lockfiles]\n  max_files: 3\n');
  git(home, ['add', 'aos.yaml']);
  git(home, ['commit', '-qm', 'rules']);
  put(home, 'package-lock.json', '{}\n');
  const r = aos(['rules', 'check'], { cwd: home });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^package-lock\.json: lockfiles \(lockfiles\)/m);
  for (let i = 0; i < 3; i++) put(home, `memory/n${i}.md`, 'n\n');
  assert.match(aos(['rules', 'check', '--json'], { cwd: home }).stdout, /"rule": "max-files"/);

  appendFileSync(join(home, 'aos.yaml'), '  disable: [zipp]\n');
  const bad = aos(['rules', 'check'], { cwd: home });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /aos\.yaml: rules\.disable: expected the name of a kind in the rulebook, found "zipp"/);
  const doctor = aos(['doctor'], { cwd: home });
  assert.is(doctor.code, 1);
  assert.match(doctor.stdout + doctor.stderr, /aos\.yaml: rules\.disable: expected the name of a kind in the rulebook, found "zipp"/);
});

test('a repository without commits: every file is added and judged; --repo inside it judges the whole repository', () => {
  const root = join(tempDir('aos-rules-'), 'fresh');
  mkdirSync(root, { recursive: true });
  git(root, ['init', '-q']);
  put(root, 'src/a.js');
  put(root, 'src/x/.DS_Store');
  git(root, ['add', 'src/a.js']);
  const r = check(join(root, 'src'));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^src\/x\/\.DS_Store: ds-store \(editor-os\)/m);
  assert.match(r.stdout, /see docs\/recovery\.md#rulebook-refused/);
  assert.is(json(check(root, '--json')).files, 2);
});

test.run();
