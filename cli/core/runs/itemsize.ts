// How large an item is for the model (inbox.max_item_kb). Apart from inbox.ts, which renders items
// with the YAML parser: a tick whose items wait checks each of them and loads nothing else.
import type { Problem } from '../../errors.js';

/** An item's text in bytes as a run would send it (UTF-8). */
export function itemBytes(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}

/**
 * Why an item is too large to send to the model (inbox.max_item_kb), as a problem naming its file;
 * undefined when it fits. The file is never touched: the owner shortens it or raises the cap.
 */
export function itemTooLarge(file: string, body: string, maxKb: number): Problem | undefined {
  const bytes = itemBytes(body);
  if (bytes <= maxKb * 1024) return undefined;
  return {
    file,
    expected: `an item of at most ${maxKb} KB (inbox.max_item_kb in aos.yaml)`,
    found: `${Math.ceil(bytes / 1024)} KB`,
    hint: 'not sent to the model; the file stays: shorten it, put the large part in a file the agent may read, or raise inbox.max_item_kb',
  };
}
