// The owner's embedding model (aos.yaml memory.embeddings.command): a local program, run without a
// shell, that turns texts into vectors. It reads one JSON object on stdin, {"texts": [...]}, and
// writes one on stdout, {"vectors": [[...], ...]}: a list of numbers per text, all of one length.
// Any model fits behind a few lines of script (a sentence-transformers model, llama.cpp's embedding
// mode, ollama's embeddings endpoint). Off unless set; search never needs it (issue 22).
import { scrubEnv } from './command.js';

/** Largest stdout accepted from the embedder, in bytes (a few hundred 1,024-float vectors). */
const MAX_OUTPUT = 32 * 1024 * 1024;

export class EmbedderError extends Error {}

/** The vectors of `texts`, in order; an EmbedderError says why there are none. */
export function embed(argv: readonly string[], texts: readonly string[], opts: { timeoutMs: number; cwd: string; vars: Readonly<Record<string, string | undefined>> }): Promise<number[][]> {
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: scrubEnv(opts.vars), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let failed: string | undefined;
    const fail = (why: string) => {
      failed ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(`gave no answer within ${Math.round(opts.timeoutMs / 1000)} s`), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT) fail(`wrote more than ${MAX_OUTPUT} bytes`);
      else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', (e) => fail(`could not start: ${e.message}`));
    // A program that exits without reading its input is judged by its exit, not by the broken pipe.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failed) return reject(new EmbedderError(`${argv[0]} ${failed}`));
      if (code !== 0) return reject(new EmbedderError(`${argv[0]} exited with ${code}${err.trim() ? `: ${err.trim().split('\n').pop()}` : ''}`));
      try {
        resolve(parseVectors(Buffer.concat(out).toString('utf8'), texts.length));
      } catch (e) {
        reject(new EmbedderError(`${argv[0]} answered ${(e as Error).message}`));
      }
    });
    child.stdin.end(JSON.stringify({ texts }));
  });
}

/** The vectors of an embedder's answer, checked: one per text, finite numbers, one length. */
export function parseVectors(text: string, count: number): number[][] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('something other than JSON (expected {"vectors": [[...], ...]})');
  }
  const vectors = (v as { vectors?: unknown } | null)?.vectors;
  if (!Array.isArray(vectors)) throw new Error('JSON without a "vectors" list');
  if (vectors.length !== count) throw new Error(`${vectors.length} vectors for ${count} texts`);
  const dims = Array.isArray(vectors[0]) ? vectors[0].length : 0;
  if (!dims) throw new Error('an empty vector');
  for (const vec of vectors) {
    if (!Array.isArray(vec) || vec.length !== dims || !vec.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`vectors that are not all ${dims} finite numbers`);
  }
  return vectors as number[][];
}
