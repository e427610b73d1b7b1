// hintMatches's whole-word test without a Unicode regular expression per hint (issue 24) answers
// exactly as the expression it replaced, over subjects in many scripts, digits, emoji, surrogate
// pairs and punctuation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hintMatches } from '../../cli/core/agents/route.js';

const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
/** The rule as it was written before: a bare word matches where no letter or digit touches it. */
function reference(hint: string, subject: string): boolean {
  const h = hint.trim().toLowerCase();
  const s = subject.trim().toLowerCase();
  if (!h) return false;
  if (h.includes('*')) return new RegExp('^' + h.split('*').map(escape).join('.*') + '$', 's').test(s);
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escape(h)}($|[^\\p{L}\\p{N}])`, 'u').test(s);
}

const hints = ['plan', 'trip', 'café', 'naïve', '東京', 'q3', '3', 'a.b', 'c++', '(draft)', 'e-mail', 'x', '😀', '𝒳', 'ab', 'lisboa', 'find *', '* report', 'what *', 'plan', 'São'];
const subjects = [
  'Plan the trip',
  'plans for the trip',
  'replan it',
  'plan',
  'a plan.',
  'plan-b and trip2',
  'Café au lait at the café',
  'cafés',
  'NAÏVE approach',
  'naïveté',
  '東京 trip',
  '東京都',
  'Q3 numbers',
  'q34 numbers',
  '3 apples',
  'x3',
  'axb and a.b',
  'learn c++ today',
  'c++11',
  'the (draft) copy',
  'e-mail her',
  'email her',
  'x',
  'xx x',
  '😀 party',
  'party😀',
  'a😀b',
  '𝒳 marks',
  '𝒳𝒳',
  'ab𝒳',
  '𝒳ab',
  'abab ab',
  'Lisboa–Porto',
  'find trains to Porto',
  'finder',
  'monthly report',
  'What is the time?',
  '',
  '   plan   ',
  'são paulo',
  'SÃO PAULO',
  'plan\ntrip',
];

test('hintMatches answers as the Unicode expression it replaced, for every hint and subject', () => {
  for (const h of hints) for (const s of subjects) assert.is(hintMatches(h, s), reference(h, s), `${JSON.stringify(h)} in ${JSON.stringify(s)}`);
});

test('hintMatches: the whole-word cases a person relies on', () => {
  assert.ok(hintMatches('plan', 'Plan the week'));
  assert.not.ok(hintMatches('plan', 'replan the week'));
  assert.ok(hintMatches('ab', 'abab ab'), 'a later occurrence counts when the first touches a letter');
  assert.not.ok(hintMatches('café', 'cafés'));
  assert.not.ok(hintMatches('𝒳', '𝒳𝒳'), 'a letter outside the BMP is one letter');
  assert.ok(hintMatches('😀', 'party 😀!'), 'an emoji between a space and punctuation');
  assert.not.ok(hintMatches('😀', 'a😀b'), 'letters touching it on both sides');
});

test.run();
