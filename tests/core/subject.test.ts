// Table tests for core/docs/subject.ts: the one line that names what an inbox item asks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { subjectOf } from '../../cli/core/docs/subject.js';

const long = 'x'.repeat(100);

// [subject field, body, expected, why]
const table: [string | undefined, string, string, string][] = [
  ['Book flights', 'anything else', 'Book flights', 'the subject field wins over the text'],
  [undefined, 'Find trains to Porto\nmore detail', 'Find trains to Porto', 'else the first line'],
  [undefined, '\n\n  \nSecond paragraph\n', 'Second paragraph', 'blank lines are passed over'],
  [undefined, '## A heading\n', 'A heading', 'heading marks are dropped'],
  [undefined, '   padded   \n', 'padded', 'the line is trimmed'],
  [undefined, long, `${'x'.repeat(79)}…`, 'more than 80 characters is cut to 79 and an ellipsis'],
  [undefined, 'y'.repeat(80), 'y'.repeat(80), 'exactly 80 characters stays whole'],
  [undefined, '', '(empty)', 'no text at all'],
  [undefined, '#\n', '(empty)', 'a line that is only a heading mark'],
  ['', 'the text', 'the text', 'an empty subject field counts as none'],
];

for (const [subject, body, want, why] of table) {
  test(`subjectOf: ${why}`, () => {
    assert.is(subjectOf(subject === undefined ? {} : { subject }, body), want);
  });
}

test.run();
