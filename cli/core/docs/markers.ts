// Merge conflict markers in state files: found before a commit, refused before a write. Apart from
// the front matter code so the commit path, run by every tick, does not load the YAML parser (168 KB).
import type { Problem } from '../../errors.js';

const CONFLICT = /^(<{7}|>{7}|\|{7})(\s|$)/;

/**
 * Why aos will not write this text into a state file (undefined when it may): a line that starts
 * like a merge conflict marker would be refused by every commit, so it is refused before writing.
 */
export function markerRefusal(what: string, text: string): string | undefined {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const i = lines.findIndex((l) => CONFLICT.test(l));
  if (i < 0) return undefined;
  return `${what}: line ${i + 1} starts with ${JSON.stringify(lines[i]!.slice(0, 7))}, which git and aos read as a merge conflict marker, and aos commits no state file holding one; indent that line by a space`;
}

export function findConflictMarker(file: string, text: string): Problem | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => CONFLICT.test(l));
  if (i < 0) return undefined;
  return {
    file,
    line: i + 1,
    expected: 'no merge conflict markers',
    found: JSON.stringify(lines[i]!.slice(0, 20)),
    hint: 'resolve the conflict, then remove the <<<<<<< ======= >>>>>>> lines',
  };
}
