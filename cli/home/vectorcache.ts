// The vectors memory search got from the owner's embedder (aos.yaml memory.embeddings), kept so a
// text is embedded once: .aos/search/vectors.json, by a hash of the text, for one embedder command
// (another command starts the file over). Only a cache: missing or damaged, texts are embedded again.
import { join } from 'node:path';
import { readIfExists, writeAtomic } from './files.js';

export const VECTORS_FILE = '.aos/search/vectors.json';
const VERSION = 1;
/**
 * The most vectors kept, the oldest dropped first: only search candidates are embedded (some tens a
 * question), and at 384 numbers a vector this is ~10 MB of file.
 */
export const MAX_VECTORS = 5_000;

export interface VectorCache {
  get(text: string): Float32Array | undefined;
  set(text: string, vector: readonly number[]): void;
  save(): Promise<void>;
}

function keyOf(text: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha1').update(text).digest('base64url');
}

export async function openVectors(root: string, model: string): Promise<VectorCache> {
  let stored: Record<string, string> = {};
  try {
    const v = JSON.parse((await readIfExists(join(root, VECTORS_FILE))) ?? '{}') as { version?: number; model?: string; vectors?: Record<string, string> };
    if (v.version === VERSION && v.model === model && v.vectors && typeof v.vectors === 'object') stored = v.vectors;
  } catch {
    // torn or damaged: embedded again
  }
  const vectors = new Map(Object.entries(stored));
  let changed = false;
  return {
    get(text) {
      const b64 = vectors.get(keyOf(text));
      if (typeof b64 !== 'string') return undefined;
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length === 0 || bytes.length % 4) return undefined;
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    },
    set(text, vector) {
      const key = keyOf(text);
      // Set again: moved to the end, so it is dropped last.
      vectors.delete(key);
      vectors.set(key, Buffer.from(new Float32Array(vector).buffer).toString('base64'));
      changed = true;
    },
    async save() {
      if (!changed) return;
      for (const key of vectors.keys()) {
        if (vectors.size <= MAX_VECTORS) break;
        vectors.delete(key);
      }
      await writeAtomic(join(root, VECTORS_FILE), JSON.stringify({ version: VERSION, model, vectors: Object.fromEntries(vectors) }), { durable: false });
    },
  };
}
