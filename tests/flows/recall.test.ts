// Conversational recall through the real command: `aos memory search` over a home whose daily logs
// hold evening chats. A question whose words are spread over adjacent turns comes back as one hit
// spanning them (its line span in --json, "lines a-b" in text); a question that names a date
// ("in August", "last May") finds the turn of that day, counted from --as-of; a turn appended later
// joins its neighbours' window on the next search (the cache refreshes, the span follows).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aos, json, newHome, write } from '../helpers.js';
import type { Hit } from '../../cli/home/searchindex.js';

type Turn = [time: string, speaker: string, text: string];

function day(date: string, turns: Turn[]): string {
  return `# ${date}\n` + turns.map(([time, who, text]) => `\n## ${time} · ${who === 'researcher' ? 'tick' : 'chat'} · ${who} · s-${date.slice(5, 7)}\n${who === 'researcher' ? '' : who[0]!.toUpperCase() + who.slice(1) + ': '}${text}\n`).join('');
}

function home(): string {
  const h = newHome();
  write(
    h,
    'logs/2026/05/2026-05-04.md',
    day('2026-05-04', [
      ['07:00:00', 'researcher', 'Checked the gas invoice and filed it.'],
      ['18:00:00', 'carla', 'How was your week?'],
      ['18:01:00', 'bruno', 'We adopted a greyhound from the shelter.'],
      ['18:02:00', 'carla', 'What is her name?'],
      ['18:03:00', 'bruno', 'Luna. She already sleeps on the sofa.'],
      ['18:04:00', 'carla', 'Send me pictures!'],
      ['18:05:00', 'bruno', 'Last night I cooked lasagna for the family.'],
    ]),
  );
  write(h, 'logs/2026/08/2026-08-10.md', day('2026-08-10', [['19:00:00', 'bruno', 'I cooked paella for the neighbours.'], ['19:01:00', 'carla', 'Save me some next time.']]));
  write(h, 'logs/2026/10/2026-10-03.md', day('2026-10-03', [['20:00:00', 'bruno', 'I cooked risotto, a bit too salty.']]));
  return h;
}

/** The heading line of the entry whose text contains `text`. */
function headingOf(h: string, file: string, text: string): number {
  const lines = readFileSync(join(h, file), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes(text));
  assert.ok(at > 0 && lines[at - 1]!.startsWith('## '), `${text} in ${file}`);
  return at; // the heading is the line before, 1-based: at
}

const MAY = 'logs/2026/05/2026-05-04.md';

function search(h: string, args: string[]): Hit[] {
  const r = aos(['memory', 'search', ...args, '--json'], { cwd: h });
  assert.is(r.code, 0, r.stderr);
  return json<{ hits: Hit[] }>(r).hits;
}

test('a question spread over adjacent turns: one hit spanning them, the turns inside not repeated', () => {
  const h = home();
  const hits = search(h, ['greyhound', 'name', 'Luna']);
  const lines = readFileSync(join(h, MAY), 'utf8').split('\n');
  const headings = lines.map((l, i) => (l.startsWith('## ') ? i + 1 : 0)).filter(Boolean);
  const turns = ['adopted a greyhound', 'What is her name?', 'Luna. She already'].map((t) => headingOf(h, MAY, t));
  const [first] = hits;
  // Anchored on one of the matching turns (its line), spanning the turn before and the turn after it.
  assert.equal([first!.file, first!.type, first!.date], [MAY, 'log', '2026-05-04']);
  assert.ok(turns.includes(first!.line), `${first!.line}`);
  const k = headings.indexOf(first!.line);
  assert.equal(first!.span, [headings[k - 1], headings[k + 2]! - 2], 'from the heading before to the last line of the turn after');
  assert.ok(turns.filter((t) => first!.span![0] <= t && t <= first!.span![1]).length >= 2, 'two of the three turns in one hit');
  // A turn inside a hit's span is not a hit again; every turn is found, in a span or as a hit.
  for (const x of hits.slice(1)) assert.not.ok(x.file === MAY && first!.span![0] <= x.line && x.line <= first!.span![1], JSON.stringify(x));
  for (const t of turns) assert.ok(hits.some((x) => x.file === MAY && x.span![0] <= t && t <= x.span![1]), `turn at ${t}`);
  assert.match(lines.slice(first!.span![0] - 1, first!.span![1]).join('\n'), /greyhound[\s\S]*name/);

  const text = aos(['memory', 'search', 'greyhound', 'name', 'Luna'], { cwd: h });
  assert.is(text.code, 0, text.stderr);
  assert.ok(text.stdout.startsWith(`${MAY}:${first!.line}  [log 2026-05-04]  chat · `), text.stdout);
  assert.match(text.stdout.split('\n')[0]!, new RegExp(`\\(lines ${first!.span![0]}-${first!.span![1]}\\)$`));
});

test('a question that names a date: the turn of that day, counted from --as-of', () => {
  const h = home();
  const august = search(h, ['What did Bruno cook in August?', '--as-of', '2026-11-10']);
  assert.equal([august[0]!.file, august[0]!.date], ['logs/2026/08/2026-08-10.md', '2026-08-10']);
  const may = search(h, ['What did Bruno cook last May?', '--as-of', '2026-11-10']);
  assert.equal([may[0]!.file, may[0]!.line], [MAY, headingOf(h, MAY, 'cooked lasagna')]);
  const ago = search(h, ['What did Bruno cook a month ago?', '--as-of', '2026-11-02']);
  assert.equal(ago[0]!.date, '2026-10-03');
  // The same words with no date named: every cooking turn is found, none is pushed up.
  const all = search(h, ['What did Bruno cook?', '--as-of', '2026-11-10']);
  assert.equal(new Set(all.map((x) => x.date)), new Set(['2026-05-04', '2026-08-10', '2026-10-03']));

  const bad = aos(['memory', 'search', 'cook', '--as-of', 'last tuesday'], { cwd: h });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--as-of: expected a day as YYYY-MM-DD, found "last tuesday"/);
});

test('a turn appended later joins its neighbours\' window on the next search', () => {
  const h = home();
  const before = search(h, ['pictures', 'Luna', 'sofa']);
  assert.is(before[0]!.file, MAY);
  appendFileSync(join(h, MAY), '\n## 18:06:00 · chat · carla · s-05\nCarla: Luna chewed my sofa once too.\n');
  const after = search(h, ['Luna', 'chewed']);
  const chewed = headingOf(h, MAY, 'Luna chewed');
  assert.equal([after[0]!.file, after[0]!.line], [MAY, chewed], JSON.stringify(after));
  assert.equal(after[0]!.span, [headingOf(h, MAY, 'cooked lasagna'), chewed + 1], 'the new last turn and the one before it');
  // The earlier Luna turn is three turns before it, outside that span: a hit of its own.
  const luna = after.find((x) => x.line === headingOf(h, MAY, 'Luna. She already'));
  assert.ok(luna, JSON.stringify(after));
});

test.run();
