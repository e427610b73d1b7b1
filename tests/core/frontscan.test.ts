// The search index's line-scan front-matter reader (core/memory/frontscan.ts) against the YAML
// parser it stands in for: over one corpus (quoted, multi-line, commented, typed, nested, broken
// front matter), whatever the scan answers is exactly what parseFrontMatter answers, and the
// common forms (what aos writes, what people type) are read by the scan, not handed back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { scanFrontMatter } from '../../cli/core/memory/frontscan.js';

const doc = (front: string, body = 'Body line.\n\n## Heading\nMore.\n') => `---\n${front}\n---\n${body}`;

// Forms the scan must read itself (a fallback here would give the speed back to the parser).
const COMMON: Record<string, string> = {
  'a topic as aos writes it': doc(stringify({ title: 'Dentist: Adele Arkwright', type: 'fact', description: "The owner's dentist, in Alfama", created: '2026-05-03', updated: '2026-06-01', status: 'active', supersedes: [], sources: ['logs/2026/05/2026-05-03.md#L12', 'logs/2026/05/2026-05-04.md#L3'], tags: ['health', 'people'] }, { lineWidth: 0 }).trimEnd()),
  'a done item': doc('id: 20261121T103205-k3f9\nfrom: owner\nkind: task\ncreated: 2026-11-21T10:32:05+00:00\nstatus: done\nhandled_by: chief\nfinished: 2026-11-21T10:40:00+00:00\nattempts: 2', 'Book the ferry.\n\n## Result\nBooked.\n'),
  'double-quoted values with escapes': doc('title: "Gate code: \\"4312\\" \\u00e9t\\u00e9"\ndescription: "a\\\\b \\/ c\\td"\ntags: [access, "storage unit"]'),
  'single-quoted values': doc("title: 'It''s the # one'\ndescription: 'a: b'"),
  'flow and block tags, comments, blank lines': doc('# a comment\ntitle: Plain title, with commas - dashes and x:y\n\ntags:\n  - one\n  - "two words"\naliases:\n- x\n- y\nstatus: stale\nempty:\nnothing: ~\nflag: true\ncount: -12'),
  'no front matter': 'Just a body.\n',
  'an empty front matter': '---\n---\nBody\n',
};

// Forms the scan may hand to the parser; when it does answer, it must agree.
const TRICKY: Record<string, string> = {
  'a literal block scalar': doc('title: x\ndescription: |\n  line one\n  line two'),
  'a folded block scalar': doc('description: >-\n  folded\n  text\ntitle: y'),
  'a plain scalar over two lines': doc('title: first part\n  second part'),
  'a double-quoted scalar over two lines': doc('title: "first\n  second"'),
  'a comment after a value': doc('title: Ferry # not part of it'),
  'a comment after a quoted value': doc('title: "Ferry" # note'),
  'a nested mapping': doc('title: x\nusage:\n  input: 1000\n  output: 20'),
  'a flow mapping': doc('title: x\nusage: { input: 1000, output: 200 }'),
  'a flow sequence with a quoted comma': doc('tags: ["a, b", c]'),
  'a flow sequence with numbers': doc('tags: [1, 2.5, null]'),
  'a float and other numbers': doc('a: 1.5\nb: 0x1f\nc: .inf\nd: 1e3\ne: 0o17'),
  'a huge integer': doc('n: 123456789012345678901234567890'),
  'anchors and aliases': doc('a: &x value\nb: *x'),
  'a tag': doc('title: !!str 123'),
  'a duplicate key': doc('title: one\ntitle: two'),
  'a key that is a boolean': doc('true: yes\nnull: x'),
  'tabs': doc('title:\tx\ntags: [a,\tb]'),
  'CRLF line ends': '---\r\ntitle: x\r\n---\r\nBody\r\n',
  'a BOM': '\uFEFF---\ntitle: x\n---\nBody\n',
  'never closed': '---\ntitle: x\nBody\n',
  'a fence with a language': '---js\ntitle: x\n---\nBody\n',
  'a conflict marker': doc('title: x\n<<<<<<< HEAD\nstatus: active\n=======\nstatus: stale\n>>>>>>> other'),
  'a NUL byte': doc('title: x\u0000'),
  'a document end marker': doc('title: x\n...'),
  'a directive': doc('%YAML 1.2\ntitle: x'),
  'a key without a space': doc('title:x'),
  'a quoted key': doc('"title": x'),
  'an indicator first': doc('title: @home\nb: `x`'),
  'a dash first': doc('title: -5 tips'),
  'a sequence with mixed indentation': doc('tags:\n  - a\n    - b'),
  'a sequence of sequences': doc('tags:\n  - - a'),
  'a sequence item with a colon': doc('skills:\n  - name: Practice\n    weight: 1'),
  'a scalar a list would need rendered': doc('tags:\n  - 12\n  - null'),
  'an unknown escape': doc('title: "a\\x41 \\e"'),
  'a multi-document stream': doc('title: x\n---\nsecond: y'),
  '__proto__': doc('__proto__: x'),
  'a very long key': doc(`${'k'.repeat(1100)}: x`),
  'empty value then a blank and an item': doc('tags:\n\n  - a'),
};

function agree(name: string, raw: string): ReturnType<typeof scanFrontMatter> {
  const scanned = scanFrontMatter('memory/x.md', raw);
  if (scanned) {
    const parsed = parseFrontMatter('memory/x.md', raw);
    assert.equal(parsed.problems, [], `${name}: the scan answered where the parser finds problems`);
    assert.equal(scanned.data, parsed.data, `${name}: data`);
    assert.is(scanned.body, parsed.body, `${name}: body`);
    assert.is(scanned.bodyLine, parsed.bodyLine, `${name}: body line`);
    assert.equal(scanned.problems, []);
  }
  return scanned;
}

test('the common forms are read by the scan, exactly as the YAML parser reads them', () => {
  for (const [name, raw] of Object.entries(COMMON)) assert.ok(agree(name, raw), `${name}: handed to the parser`);
});

test('unusual front matter is handed to the parser, or read exactly as it reads it', () => {
  let handed = 0;
  for (const [name, raw] of Object.entries(TRICKY)) if (!agree(name, raw)) handed++;
  // Most of these are beyond a line scan; the few it reads (a blank line before an item) still agree.
  assert.ok(handed >= Object.keys(TRICKY).length - 3, `only ${handed} handed over`);
  for (const name of ['a literal block scalar', 'a plain scalar over two lines', 'a comment after a value', 'a duplicate key', 'a nested mapping', 'a conflict marker', 'never closed', 'CRLF line ends'])
    assert.is(scanFrontMatter('memory/x.md', TRICKY[name]!), undefined, name);
});

test('generated front matter: every value stringify can write is read as the parser reads it, or handed over', () => {
  const values = ['plain', 'with: colon', 'with #hash', '#first', "it's", 'say "hi"', 'true', 'null', '123', '1.5', '-x', '[x]', '{x}', 'a\nb', ' lead', 'trail ', 'é ü 漢字', '', '2026-05-03', 'x:y', '@at', '`tick`', '*star', '&amp', '!bang', '%pct', '? q', '- dash', 'a,b', 'tab\there'];
  let read = 0;
  for (const v of values) {
    const raw = doc(stringify({ title: v, tags: [v, 'ok'], description: `${v} and more` }, { lineWidth: 0 }).trimEnd());
    if (agree(JSON.stringify(v), raw)) read++;
  }
  assert.ok(read >= values.length / 2, `only ${read} of ${values.length} read by the scan`);
});

test.run();
