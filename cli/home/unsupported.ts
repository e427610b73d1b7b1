// Files dropped into inbox/ that are not items: found and moved aside by the tick. Apart from
// items.ts, which renders items and so loads the YAML parser: every tick that is not quiet runs this.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isErrno, listNames } from './files.js';
import { AOS_FOLDERS, UNSUPPORTED_FOLDER } from './store.js';

/** The files directly in inbox/ that are not items (a pdf, a png, an editor's x.md~). */
export async function unsupportedInboxFiles(root: string): Promise<string[]> {
  return (await listNames(join(root, 'inbox')))
    .filter((e) => e.isFile && !e.name.endsWith('.md') && !(AOS_FOLDERS.inbox as readonly string[]).includes(e.name))
    .map((e) => `inbox/${e.name}`);
}

/**
 * Moves the files the inbox cannot take to inbox/unsupported/, keeping each (a name already there
 * gets a number, never an overwrite), so they are reported once and stop failing every tick.
 */
export async function moveUnsupported(root: string): Promise<{ from: string; to: string }[]> {
  const moved: { from: string; to: string }[] = [];
  for (const from of await unsupportedInboxFiles(root)) {
    const name = from.slice('inbox/'.length);
    await fs.mkdir(join(root, UNSUPPORTED_FOLDER), { recursive: true });
    for (let n = 1; ; n++) {
      const to = `${UNSUPPORTED_FOLDER}/${n === 1 ? name : `${n}-${name}`}`;
      try {
        // link + unlink: a rename would silently replace a file of the same name.
        await fs.link(join(root, from), join(root, to));
      } catch (err) {
        if (isErrno(err, 'EEXIST') && n < 100) continue;
        throw err;
      }
      await fs.rm(join(root, from));
      moved.push({ from, to });
      break;
    }
  }
  return moved;
}
