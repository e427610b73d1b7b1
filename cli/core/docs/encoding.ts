// Text aos can read: UTF-8 without NUL bytes. A file saved as UTF-16 (PowerShell's `>` writes it,
// byte-order mark FF FE) or holding a NUL byte is refused with a problem naming it, never read as
// garbled text: the garble would reach prompts, commit messages (git refuses a NUL there) and the
// owner's files. Pure: the text as read with utf8 in, a problem out.
import type { Problem } from '../../errors.js';

// FF FE or FE FF read as UTF-8: two replacement characters at the very start.
const UTF16_BOM = '\uFFFD\uFFFD';

export function unreadableText(file: string, raw: string): Problem | undefined {
  const nul = raw.indexOf('\0');
  if (raw.startsWith(UTF16_BOM) && nul >= 0) {
    return {
      file,
      expected: 'UTF-8 text',
      found: 'UTF-16 (it starts with the byte-order mark FF FE or FE FF, which PowerShell\'s > writes)',
      hint: 'save it as UTF-8: in PowerShell, (Get-Content FILE) | Set-Content -Encoding utf8 FILE (or use aos inbox add); see docs/recovery.md#bad-files',
    };
  }
  if (nul < 0) return undefined;
  const line = raw.slice(0, nul).split('\n').length;
  return {
    file,
    line,
    expected: 'text without NUL bytes',
    found: 'a NUL byte (a binary file, a broken save, or UTF-16 without a byte-order mark)',
    hint: 'remove the NUL bytes (tr -d \'\\000\' < FILE > FIXED), or move the file out of the home; see docs/recovery.md#bad-files',
  };
}
