// aos memory show | add | lint: table tests for the pure lint rules, then the three commands as real
// processes against real homes and git repositories.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintMemory, duplicateEntries, type LintTopic, type MemoryState } from '../../cli/core/memory/memlint.js';
import { parseIndex } from '../../cli/core/memory/memindex.js';
import { parseDoc } from '../../cli/core/docs/parsedoc.js';
import { MemorySchema, type MemoryFront } from '../../cli/core/docs/schemas.js';
import { validate } from '../../cli/core/docs/validate.js';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { formatProblem, type Problem } from '../../cli/errors.js';
import { aos, newHome, git, read, write, json, ROOT } from '../helpers.js';

// ---- pure: memlint ----

function topic(slug: string, front: Partial<MemoryFront> = {}): LintTopic {
  const title = slug.replace(/-/g, ' ');
  return {
    slug,
    front: { title, type: 'fact', description: `about ${title}`, created: '2026-11-01', status: 'active', supersedes: [], sources: [], tags: [], ...front },
  };
}

function entry(slug: string, hook = 'a hook'): string {
  return `- [${slug.replace(/-/g, ' ')}](${slug}.md) — ${hook}`;
}

function state(index: string | undefined, topics: LintTopic[], extra: Partial<MemoryState> = {}): MemoryState {
  return { index, topics, files: new Set(topics.map((t) => t.slug)), ...extra };
}

const cleanTopics = [
  topic('prefers-trains', { supersedes: ['flights-for-short-trips'] }),
  topic('flights-for-short-trips', { status: 'superseded', superseded_by: 'prefers-trains' }),
  topic('ielts-method'),
  topic('old-address', { status: 'stale' }),
];
const cleanIndex = ['# Memory', '', entry('prefers-trains'), '*   [IELTS method](./ielts-method.md#task-2)   --   odd spacing, still an entry', ''].join('\n');

test('memlint: a clean index and its topics pass (superseded and stale topics may stay out of the index)', () => {
  assert.equal(lintMemory(state(cleanIndex, cleanTopics)), []);
});

test('memlint: the starter home is clean', () => {
  const starter = ['how-aos-works', 'owner-prefers-short-answers', 'memory-conventions'];
  const topics = starter.map((slug) => {
    const r = parseDoc('memory', `memory/${slug}.md`, read(ROOT, `memory/${slug}.md`));
    assert.equal(r.problems, [], slug);
    return { slug, front: r.doc!.front as MemoryFront };
  });
  assert.equal(lintMemory(state(read(ROOT, 'memory/MEMORY.md'), topics)), []);
});

// A bad topic file, as loading reports it.
const badTopic = parseDoc('memory', 'memory/broken.md', '---\ntitle: Broken\ntype: feeling\ndescription: x\ncreated: 2026-11-01\n---\n').problems;

interface Case {
  name: string;
  state: MemoryState;
  /** Each expected problem: where, and what its text says. Exactly these fire, no others. */
  want: { file: string; line?: number; field?: string; text: RegExp }[];
}

const long = '- [Long](ielts-method.md) — ' + 'x'.repeat(130);
const cases: Case[] = [
  {
    name: 'an index line over 150 characters',
    state: state(['# Memory', entry('prefers-trains'), long].join('\n') + '\n', [topic('prefers-trains'), topic('ielts-method')]),
    want: [{ file: 'memory/MEMORY.md', line: 3, text: /at most 150 characters, found 158 characters/ }],
  },
  {
    name: 'an index over 200 lines',
    state: state(['# Memory', entry('a'), ...Array.from({ length: 200 }, (_, i) => `note ${i}`)].join('\n') + '\n', [topic('a')]),
    want: [{ file: 'memory/MEMORY.md', line: 201, text: /at most 200 lines, found 202 lines/ }],
  },
  {
    name: 'an index over 25 KB',
    state: state(['# Memory', entry('a'), ...Array.from({ length: 190 }, () => 'y'.repeat(140))].join('\n') + '\n', [topic('a')]),
    want: [{ file: 'memory/MEMORY.md', text: /at most 25 KB, found 26\.\d KB/ }],
  },
  {
    name: 'a link that does not resolve',
    state: state(['# Memory', entry('a'), entry('gone')].join('\n'), [topic('a')]),
    want: [{ file: 'memory/MEMORY.md', line: 3, text: /a link to a topic file in memory\/, found "gone\.md", which does not exist/ }],
  },
  {
    name: 'an active topic missing from the index',
    state: state(['# Memory', entry('a')].join('\n'), [topic('a'), topic('b')]),
    want: [{ file: 'memory/b.md', text: /a line in memory\/MEMORY\.md linking it .* found none/ }],
  },
  {
    name: 'two index lines linking the same topic',
    state: state(['# Memory', entry('a'), entry('b'), '-  [A again](./a.md) — hand written'].join('\n'), [topic('a'), topic('b')]),
    want: [{ file: 'memory/MEMORY.md', line: 4, text: /one line per topic, found a second line for a\.md \(the first is line 2\)/ }],
  },
  {
    name: 'two active topics with the same title, case-insensitive',
    state: state(['# Memory', entry('a'), entry('b')].join('\n'), [topic('a', { title: 'Prefers Trains' }), topic('b', { title: 'prefers  trains' })]),
    want: [{ file: 'memory/b.md', field: 'title', text: /no other active topic has, found "prefers  trains", the title of memory\/a\.md too/ }],
  },
  {
    name: 'a superseded topic may share its successor\'s title',
    state: state(['# Memory', entry('b')].join('\n'), [topic('a', { title: 'Editor', status: 'superseded', superseded_by: 'b' }), topic('b', { title: 'Editor', supersedes: ['a'] })]),
    want: [],
  },
  {
    name: 'A supersedes B, but B says nothing back',
    state: state(['# Memory', entry('a')].join('\n'), [topic('a', { supersedes: ['b'] }), topic('b', { status: 'superseded' })]),
    want: [{ file: 'memory/b.md', field: 'superseded_by', text: /expected a \(a supersedes it\), found nothing/ }],
  },
  {
    name: 'a superseded topic that names no successor',
    state: state(['# Memory', entry('a')].join('\n'), [topic('a'), topic('b', { status: 'superseded' })]),
    want: [{ file: 'memory/b.md', field: 'superseded_by', text: /the topic that supersedes it \(status is superseded\), found nothing/ }],
  },
  {
    name: 'A supersedes B, B points back but is still active (and listed)',
    state: state(['# Memory', entry('a'), entry('b')].join('\n'), [topic('a', { supersedes: ['b'] }), topic('b', { superseded_by: 'a' })]),
    want: [{ file: 'memory/b.md', field: 'status', text: /expected superseded \(a supersedes it\), found active/ }],
  },
  {
    name: 'B says superseded_by A, but A does not list B',
    state: state(['# Memory', entry('a')].join('\n'), [topic('a'), topic('b', { status: 'superseded', superseded_by: 'a' })]),
    want: [{ file: 'memory/a.md', field: 'supersedes', text: /a list naming b \(b says superseded_by: a\), found none/ }],
  },
  {
    name: 'supersede links to topics that do not exist',
    state: state(['# Memory', entry('a')].join('\n'), [topic('a', { supersedes: ['ghost'] }), topic('b', { status: 'superseded', superseded_by: 'phantom' })]),
    want: [
      { file: 'memory/a.md', field: 'supersedes', text: /"ghost", which does not exist/ },
      { file: 'memory/b.md', field: 'superseded_by', text: /"phantom", which does not exist/ },
    ],
  },
  {
    name: 'a supersede loop',
    state: state('# Memory\n', [
      topic('a', { status: 'superseded', superseded_by: 'b', supersedes: ['b'] }),
      topic('b', { status: 'superseded', superseded_by: 'a', supersedes: ['a'] }),
    ]),
    want: [{ file: 'memory/a.md', field: 'superseded_by', text: /a chain that ends at a current topic, found a loop: a → b → a/ }],
  },
  {
    name: 'superseded and stale topics still listed in the index',
    state: state(['# Memory', entry('a'), entry('b'), entry('c')].join('\n'), [
      topic('a', { supersedes: ['b'] }),
      topic('b', { status: 'superseded', superseded_by: 'a' }),
      topic('c', { status: 'stale' }),
    ]),
    want: [
      { file: 'memory/MEMORY.md', line: 3, text: /only active topics in the index, found b, which is superseded by a/ },
      { file: 'memory/MEMORY.md', line: 4, text: /only active topics in the index, found c, which is stale/ },
    ],
  },
  {
    name: 'a topic file that fails its schema (its index line still resolves)',
    state: state(['# Memory', entry('a'), entry('broken')].join('\n'), [topic('a')], { files: new Set(['a', 'broken']), invalid: badTopic }),
    want: [{ file: 'memory/broken.md', line: 3, field: 'type', text: /one of fact, decision, lesson, preference, person, project, found "feeling"/ }],
  },
  {
    name: 'no index at all',
    state: state(undefined, [topic('a')]),
    want: [{ file: 'memory/MEMORY.md', text: /the memory index, found no file/ }],
  },
  {
    name: 'merge conflict markers in the index: reported alone, not as duplicates',
    state: state(['# Memory', '<<<<<<< HEAD', entry('a', 'mine'), '=======', entry('a', 'theirs'), '>>>>>>> other'].join('\n'), [topic('a')]),
    want: [{ file: 'memory/MEMORY.md', line: 2, text: /no merge conflict markers/ }],
  },
];

for (const c of cases) {
  test(`memlint: ${c.name}`, () => {
    const got = lintMemory(c.state);
    const shown = got.map(formatProblem).join('\n');
    assert.is(got.length, c.want.length, `expected ${c.want.length} problem(s), got:\n${shown}`);
    for (const w of c.want) {
      const hit = got.find((p: Problem) => p.file === w.file && (w.line === undefined || p.line === w.line) && (w.field === undefined || p.field === w.field) && w.text.test(formatProblem(p)));
      assert.ok(hit, `no problem like ${JSON.stringify({ ...w, text: String(w.text) })} in:\n${shown}`);
    }
  });
}

test('memlint: problems come in file order, the index first', () => {
  const got = lintMemory(state(['# Memory', entry('gone'), entry('z')].join('\n'), [topic('z', { supersedes: ['y'] }), topic('b')]));
  assert.equal(
    got.map((p) => p.file),
    ['memory/MEMORY.md', 'memory/b.md', 'memory/z.md'],
  );
});

test('memlint: duplicateEntries names the later lines and the first', () => {
  const dups = duplicateEntries(parseIndex(['# Memory', entry('a'), entry('b'), entry('a'), entry('a')].join('\n')));
  assert.equal(
    dups.map((d) => [d.line.line, d.first.line]),
    [
      [4, 2],
      [5, 2],
    ],
  );
});

// ---- real processes ----

const TODAY = new Date().toISOString().slice(0, 10); // the homes here are in UTC

function commitAll(home: string, message: string): void {
  git(home, ['add', '-A']);
  git(home, ['commit', '-q', '-m', message]);
}

function topicText(front: Record<string, string>, body = ''): string {
  const lines = Object.entries(front).map(([k, v]) => `${k}: ${v}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

test('memory add: one topic, one new index line, a log entry; exactly those three files committed by the owner', () => {
  const home = newHome();
  // A hand-edited index: odd spacing, a comment, a * bullet, CRLF-free but no final newline.
  const hand = [
    '# Memory   ',
    '',
    '<!-- keep this lean -->',
    '-   [How aos works](how-aos-works.md)   —   plain files in git;  the tick does the work  ',
    '* [Owner prefers short answers](./owner-prefers-short-answers.md) -- answer first',
    '- [Memory conventions](memory-conventions.md)',
    '',
    'Free text the owner wrote.',
  ].join('\n');
  write(home, 'memory/MEMORY.md', hand);
  commitAll(home, 'hand edit');
  const before = git(home, ['rev-parse', 'HEAD']).trim();

  const description = 'Trains over flights for trips under about 4 hours; values work time on board';
  const r = aos(['memory', 'add', 'Prefers', 'trains', 'under', '4', 'hours', '--type', 'preference', '--description', description, '--json'], {
    cwd: home,
    input: 'Said while planning Lisbon → Porto: "I\'d rather take the train, I can work."\n',
  });
  assert.is(r.code, 0, r.stderr);
  const out = json(r);
  assert.is(out.slug, 'prefers-trains-under-4-hours');
  assert.is(out.file, 'memory/prefers-trains-under-4-hours.md');
  assert.match(out.committed, /^[0-9a-f]{40}$/);

  const after = read(home, 'memory/MEMORY.md');
  assert.is(after, `${hand}\n- [Prefers trains under 4 hours](prefers-trains-under-4-hours.md) — ${description}\n`, 'only the new line was added');

  const changed = git(home, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').sort();
  const logFile = `logs/${TODAY.slice(0, 4)}/${TODAY.slice(5, 7)}/${TODAY}.md`;
  assert.equal(changed, [logFile, 'memory/MEMORY.md', 'memory/prefers-trains-under-4-hours.md']);
  assert.is(git(home, ['rev-parse', 'HEAD~1']).trim(), before, 'one commit');
  const message = git(home, ['log', '-1', '--format=%an <%ae>%n%B']);
  assert.match(message, /^Tess <owner@aos\.invalid>\nmemory: add "Prefers trains under 4 hours"/);
  assert.match(message, /^Aos-Kind: memory-add$/m);
  assert.match(message, /^Aos-Memory: prefers-trains-under-4-hours$/m);
  assert.is(git(home, ['status', '--porcelain']), '', 'nothing left over');

  const text = read(home, out.file);
  const parsed = parseFrontMatter(out.file, text);
  const v = validate(MemorySchema, parsed.data, out.file, parsed.yaml);
  assert.equal(v.problems, []);
  assert.is(v.value!.type, 'preference');
  assert.is(v.value!.created, TODAY);
  assert.is(v.value!.updated, TODAY);
  assert.equal(v.value!.sources, [`${logFile}#prefers-trains-under-4-hours`]);
  assert.match(text, /\n---\nSaid while planning Lisbon → Porto: "I'd rather take the train, I can work\."\n$/);
  assert.match(read(home, logFile), /## \d\d:\d\d:\d\d · memory · owner · prefers-trains-under-4-hours\nAdded memory\/prefers-trains-under-4-hours\.md/);

  const lint = aos(['memory', 'lint'], { cwd: home });
  assert.is(lint.code, 0, lint.stdout + lint.stderr);
  assert.match(lint.stdout, /Memory is in order: 4 index entries, 4 topic files/);
  assert.is(aos(['doctor'], { cwd: home }).code, 0, 'doctor agrees');
});

test('memory add: --slug, an empty body, the default type; plain output', () => {
  const home = newHome();
  const r = aos(['memory', 'add', 'Dentist', 'is', 'Dr Silva', '--slug', 'dentist', '--description', 'Dr Silva at Clínica Sorriso, Rua Augusta'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Added memory\/dentist\.md and its line in memory\/MEMORY\.md\n$/);
  const text = read(home, 'memory/dentist.md');
  assert.match(text, /^---\ntitle: Dentist is Dr Silva\ntype: fact\n/);
  assert.match(text, /\n---\n$/, 'no body');
  assert.match(read(home, 'memory/MEMORY.md'), /\n- \[Dentist is Dr Silva\]\(dentist\.md\) — Dr Silva at Clínica Sorriso, Rua Augusta\n$/);
});

test('memory add refuses an existing slug and writes nothing', () => {
  const home = newHome();
  const head = git(home, ['rev-parse', 'HEAD']);
  const topicBefore = read(home, 'memory/how-aos-works.md');
  const indexBefore = read(home, 'memory/MEMORY.md');
  const r = aos(['memory', 'add', 'Something', 'else', '--slug', 'how-aos-works', '--description', 'another thing'], { cwd: home, input: 'text' });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /memory\/how-aos-works\.md already exists; nothing was changed\. Give another --slug for a new memory, or edit memory\/how-aos-works\.md/);
  assert.is(read(home, 'memory/how-aos-works.md'), topicBefore);
  assert.is(read(home, 'memory/MEMORY.md'), indexBefore);
  assert.is(git(home, ['rev-parse', 'HEAD']), head);
  assert.is(git(home, ['status', '--porcelain', '--untracked-files=all']), '', 'no log entry, no temp file');

  // The same title again derives the same slug: refused too.
  const again = aos(['memory', 'add', 'How', 'aos', 'works', '--description', 'again'], { cwd: home });
  assert.is(again.code, 1);
  assert.match(again.stderr, /already exists/);
});

test('memory add refuses a 151-character description (and a missing one, a bad type or slug), writing nothing', () => {
  const home = newHome();
  const head = git(home, ['rev-parse', 'HEAD']);
  const bad: [string[], RegExp][] = [
    [['--description', 'd'.repeat(151)], /--description: expected a description of at most 150 characters, found 151 characters\nNothing was written\./],
    [[], /--description is required/],
    [['--description', 'ok', '--slug', 'Not A Slug'], /--slug: expected a file name of lowercase letters, digits and dashes/],
    [['--description', 'ok', '--slug', '../aos'], /--slug: expected a file name/],
  ];
  for (const [flags, message] of bad) {
    const r = aos(['memory', 'add', 'Too', 'long', ...flags], { cwd: home });
    assert.is(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const ok150 = aos(['memory', 'add', 'Exactly', 'at', 'the', 'cap', '--description', 'd'.repeat(150), '--json'], { cwd: home });
  assert.is(ok150.code, 0, ok150.stderr);
  assert.is(git(home, ['rev-list', '--count', `${head.trim()}..HEAD`]).trim(), '1', 'only the valid add committed');
  assert.not.ok(existsSync(join(home, 'memory/too-long.md')));
  assert.equal(readdirSync(join(home, 'memory')).filter((f) => f.startsWith('.')), [], 'no temp files');
});

test('memory lint finds a broken supersede chain and exits 1; --json gives { ok, problems }', () => {
  const home = newHome();
  write(home, 'memory/editor-vim.md', topicText({ title: 'Editor is vim', type: 'preference', description: 'Uses vim', created: '2026-01-01', status: 'superseded', superseded_by: 'editor-helix' }));
  write(home, 'memory/editor-helix.md', topicText({ title: 'Editor is helix', type: 'preference', description: 'Uses helix', created: '2026-05-01', status: 'superseded', superseded_by: 'editor-zed', supersedes: '[editor-vim]' }));
  // The newest one forgot to say what it supersedes.
  write(home, 'memory/editor-zed.md', topicText({ title: 'Editor is zed', type: 'preference', description: 'Uses zed', created: '2026-11-01' }));
  write(home, 'memory/MEMORY.md', read(home, 'memory/MEMORY.md') + '- [Editor is zed](editor-zed.md) — uses zed\n');

  const r = aos(['memory', 'lint'], { cwd: home });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.is(r.stdout, 'memory/editor-zed.md: supersedes: expected a list naming editor-helix (editor-helix says superseded_by: editor-zed), found none\n');
  assert.match(r.stderr, /1 memory problem\(s\) in 1 file\(s\)\. Nothing was changed\./);

  const j = aos(['memory', 'lint', '--json'], { cwd: home });
  assert.is(j.code, 1);
  const data = json(j);
  assert.is(data.ok, false);
  assert.equal(data.problems, [
    { file: 'memory/editor-zed.md', field: 'supersedes', expected: 'a list naming editor-helix (editor-helix says superseded_by: editor-zed)', found: 'none' },
  ]);

  // Mended, the chain is whole.
  write(home, 'memory/editor-zed.md', topicText({ title: 'Editor is zed', type: 'preference', description: 'Uses zed', created: '2026-11-01', supersedes: '[editor-helix]' }));
  const mended = aos(['memory', 'lint', '--json'], { cwd: home });
  assert.is(mended.code, 0, mended.stdout);
  assert.equal(json(mended), { ok: true, problems: [] });
});

test('memory lint reports a topic that fails its schema, a missing index line and a retired one still listed', () => {
  const home = newHome();
  write(home, 'memory/bad.md', topicText({ title: 'Bad', type: 'feeling', description: 'x', created: '2026-11-01' }));
  write(home, 'memory/unlisted.md', topicText({ title: 'Unlisted', type: 'fact', description: 'x', created: '2026-11-01' }));
  write(home, 'memory/retired.md', topicText({ title: 'Retired', type: 'fact', description: 'x', created: '2026-11-01', status: 'stale' }));
  write(home, 'memory/MEMORY.md', read(home, 'memory/MEMORY.md') + '- [Retired](retired.md) — old\n');
  const r = aos(['memory', 'lint'], { cwd: home });
  assert.is(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 3, r.stdout);
  assert.match(lines[0]!, /^memory\/MEMORY\.md:5: expected only active topics in the index, found retired, which is stale/);
  assert.match(lines[1]!, /^memory\/bad\.md:3: type: expected one of fact, decision/);
  assert.match(lines[2]!, /^memory\/unlisted\.md: expected a line in memory\/MEMORY\.md linking it/);
});

test('memory show: the index as it is, a topic summarized, --json parsed', () => {
  const home = newHome();
  const index = aos(['memory', 'show'], { cwd: home });
  assert.is(index.code, 0, index.stderr);
  assert.is(index.stdout, read(home, 'memory/MEMORY.md'));
  const ij = json(aos(['memory', 'show', '--json'], { cwd: home }));
  assert.is(ij.file, 'memory/MEMORY.md');
  assert.equal(ij.entries.map((e: { slug: string }) => e.slug), ['how-aos-works', 'owner-prefers-short-answers', 'memory-conventions']);
  assert.is(ij.entries[0].line, 2);

  write(home, 'memory/flights.md', topicText({ title: 'Flies for short trips', type: 'preference', description: 'old', created: '2026-01-01', status: 'superseded', superseded_by: 'trains' }, 'Used to fly.\n'));
  write(home, 'memory/trains.md', topicText({ title: 'Prefers trains', type: 'preference', description: 'Trains under 4 h', created: '2026-03-02', updated: '2026-11-21', supersedes: '[flights]', sources: '["logs/2026/11/2026-11-21.md#r-1"]' }, 'Said on the way to Porto.\n'));
  const t = aos(['memory', 'show', 'trains'], { cwd: home });
  assert.is(t.code, 0, t.stderr);
  assert.match(t.stdout, /^Prefers trains  \(memory\/trains\.md\)\n/);
  assert.match(t.stdout, /\ntype: +preference\n/);
  assert.match(t.stdout, /\nstatus: +active\n/);
  assert.match(t.stdout, /\nupdated: +2026-11-21\n/);
  assert.match(t.stdout, /\nsupersedes: +flights\n/);
  assert.match(t.stdout, /\nsources: +logs\/2026\/11\/2026-11-21\.md#r-1\n/);
  assert.match(t.stdout, /\n\nSaid on the way to Porto\.\n$/);
  const old = aos(['memory', 'show', 'memory/flights.md'], { cwd: home });
  assert.match(old.stdout, /\nstatus: +superseded — superseded by trains \(aos memory show trains\)\n/);

  const tj = json(aos(['memory', 'show', 'trains', '--json'], { cwd: home }));
  assert.equal(
    { slug: tj.slug, file: tj.file, type: tj.type, status: tj.status, supersedes: tj.supersedes, body: tj.body.trim() },
    { slug: 'trains', file: 'memory/trains.md', type: 'preference', status: 'active', supersedes: ['flights'], body: 'Said on the way to Porto.' },
  );
});

test('memory show: an unknown slug suggests the closest; an invalid topic names its problem; a path is refused', () => {
  const home = newHome();
  const r = aos(['memory', 'show', 'how-aos-work'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stderr, /no memory "how-aos-work": expected a file memory\/how-aos-work\.md, found none \(did you mean "how-aos-works"\?\)/);
  const far = aos(['memory', 'show', 'zzzzzzzzzz'], { cwd: home });
  assert.is(far.code, 1);
  assert.not.match(far.stderr, /did you mean/);

  write(home, 'memory/bad.md', topicText({ title: 'Bad', type: 'feeling', description: 'x', created: '2026-11-01' }));
  const bad = aos(['memory', 'show', 'bad'], { cwd: home });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /memory\/bad\.md:3: type: expected one of fact/);

  const path = aos(['memory', 'show', '../aos.yaml'], { cwd: home });
  assert.is(path.code, 2);
  assert.match(path.stderr, /expected a topic name/);
});

test.run();
