/** What an inbox item asks, in one line: its subject field, else its first line of text. */
export function subjectOf(front: { subject?: string }, body: string): string {
  if (front.subject) return front.subject;
  const first = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const clean = first.replace(/^#+\s*/, '').trim();
  return clean.length > 80 ? clean.slice(0, 79) + '…' : clean || '(empty)';
}
