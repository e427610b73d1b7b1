// Table tests for core/docs/secretscan.ts: known key formats and random-looking tokens are found;
// ids, hashes, words and images are not (a false hit holds the owner's file back, so it must be rare).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findSecrets, redactItemText, redactSecrets, secretProblem, secretsInDiff } from '../../cli/core/docs/secretscan.js';
import { makeRedactor } from '../../cli/core/docs/redact.js';

// Built from parts so no key-shaped literal sits in the repository (and this file passes its own scan).
const ant = 'sk-' + 'ant-api03-' + 'Xq7Lm2Pz9Rt4Vw8Ky1Bn5Cd3Fg6Hj0'.repeat(2);
const oai = 'sk-' + 'proj-' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY';
const ghp = 'ghp' + '_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const pat = 'github' + '_pat_' + '11ABCDEFG0' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const slack = 'xox' + 'b-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const pem = '-----BEGIN ' + 'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----';
const random = 'Zk8vQ2mX7pL4rT9wB3nY6cF1hJ5dG0sA';

// [text, kinds found, why]
const table: [string, string[], string][] = [
  [`ANTHROPIC_API_KEY=${ant}`, ['Anthropic API key'], 'an Anthropic key'],
  [`key: ${oai}`, ['OpenAI-style API key'], 'an OpenAI project key'],
  [`token ${ghp}`, ['GitHub token'], 'a GitHub personal token'],
  [pat, ['GitHub token'], 'a fine-grained GitHub token'],
  [`aws_access_key_id = ${aws}`, ['AWS access key id'], 'an AWS key id'],
  [slack, ['Slack token'], 'a Slack bot token'],
  [`before\n${pem}\nafter`, ['private key'], 'a PEM private key block'],
  [`export TOKEN=${random}`, ['high-entropy token'], 'a long random token'],
  // Conservative: none of these trip it.
  ['commit 3a28193f6c5b9d3de79e04354de48f28464d0a1b', [], 'a git sha'],
  ['id 123e4567-e89b-12d3-a456-426614174000', [], 'a uuid'],
  ['sha256:4be1c0ffee4be1c0ffee4be1c0ffee4be1c0ffee4be1c0ffee4be1c0ffee0000', [], 'a sha256 digest'],
  [`![x](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)`, [], 'an inline base64 image'],
  ['iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\nYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg4Kq8ZbX2mP9rT1wY5nC7dF3hJ6\n', [], 'a wrapped base64 block'],
  ['the-quick-brown-fox-jumps-over-the-lazy-dog-again', [], 'a long slug'],
  ['SOME_VERY_LONG_CONSTANT_NAME_FOR_A_SETTING_X1', [], 'a constant name'],
  ['thisIsAVeryLongCamelCaseIdentifierName', [], 'a camelCase identifier'],
  ['run r-20261121T100000-abcd on item 20261121T100000-x1y2', [], 'aos run and item ids'],
  ['ask the task-management framework about sk-learning', [], '"sk-" inside words and prose'],
  ['secret: [secret:GH_TOKEN]', [], 'an already redacted value'],
];

for (const [text, kinds, why] of table) {
  test(`secretscan: ${why}`, () => {
    assert.equal(findSecrets(text).map((h) => h.kind), kinds);
  });
}

test('redactSecrets replaces each value by a plain REDACTED_<KIND> word and keeps the rest', () => {
  const { text, hits } = redactSecrets(`a: ${ant}\nb: ${aws}\nc: keep me`);
  assert.is(text, 'a: REDACTED_ANTHROPIC_API_KEY\nb: REDACTED_AWS_ACCESS_KEY_ID\nc: keep me');
  assert.equal(hits.map((h) => h.line), [1, 2]);
});

test('secretProblem names the file, the line and the kind, never the value', () => {
  const p = secretProblem('notes/keys.md', `# Keys\n\ngithub: ${ghp}\n`)!;
  assert.is(p.file, 'notes/keys.md');
  assert.is(p.line, 3);
  assert.match(p.found, /line 3: GitHub token/);
  assert.not.ok(JSON.stringify(p).includes(ghp));
  assert.is(secretProblem('notes/ok.md', 'nothing here\n'), undefined);
});

test('secretsInDiff looks only at added lines, per file', () => {
  const diff = [
    'diff --git a/notes/a.md b/notes/a.md',
    '--- a/notes/a.md',
    '+++ b/notes/a.md',
    '@@ -1 +1 @@',
    `-old ${ghp}`,
    '+new text',
    'diff --git a/notes/b.md b/notes/b.md',
    '--- /dev/null',
    '+++ b/notes/b.md',
    '@@ -0,0 +1 @@',
    `+key ${aws}`,
  ].join('\n');
  assert.equal(secretsInDiff(diff), ['notes/b.md: AWS access key id']);
});

test('redactItemText: declared secrets by name, then key-shaped values; says what, never the value', () => {
  const redact = makeRedactor([{ name: 'BANK_PIN', value: 'hunter2-very-secret' }]);
  const r = redactItemText(`Pay with hunter2-very-secret and ${ghp}`, redact);
  assert.is(r.text, 'Pay with [secret:BANK_PIN] and REDACTED_GITHUB_TOKEN');
  assert.equal(r.redacted, ['the secret BANK_PIN', 'a value that looks like a GitHub token']);
});

test.run();
