import { stamp } from './time.js';

export const AGENT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A file name without .md for memory topics, goals and skills: lowercase letters, digits, dashes. */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Turns random bytes into a short base-36 suffix. */
export function suffix(bytes: Uint8Array, length = 4): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[(bytes[i] ?? 0) % 36];
  return s;
}

/** Ids that sort by time and cannot collide across devices: 20261121T103205-k3f9. */
export function itemId(at: Date, randomBytes: Uint8Array): string {
  return `${stamp(at)}-${suffix(randomBytes)}`;
}

/** A file-name slug from free text: "Book flights to Porto!" -> "book-flights-to-porto". */
export function slugify(text: string, max = 60): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '') || 'untitled';
}
