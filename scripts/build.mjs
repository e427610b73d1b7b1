// Bundles the CLI into dist/: one small entry chunk, and one chunk per command that loads on demand.
// Bundling matters for cron: resolving and compiling hundreds of small module files costs more than
// the code itself (measured: yaml 38 ms unbundled, 10 ms bundled).
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { aos: 'cli/aos.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  define: { AOS_VERSION: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __aosRequire } from 'node:module'; const require = __aosRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(new URL('../dist/aos.js', import.meta.url), 0o755);

// The man page, from the same command table the CLI parses with (package.json "man" points here,
// so `man aos` works after npm link or install). The table's command modules are never loaded:
// they stay external, and only the table's data is read.
const man = await build({
  stdin: {
    contents: "import { manPage } from './core/cli/manpage.ts'; import { COMMAND_TABLE } from './completion.ts'; export default (v) => manPage(COMMAND_TABLE, v);",
    resolveDir: fileURLToPath(new URL('../cli', import.meta.url)),
    loader: 'ts',
  },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  external: ['./commands/*'],
  logLevel: 'warning',
});
const manModule = new URL('../dist/.manpage.mjs', import.meta.url);
writeFileSync(manModule, man.outputFiles[0].text);
try {
  writeFileSync(new URL('../dist/aos.1', import.meta.url), (await import(manModule.href)).default(pkg.version));
} finally {
  rmSync(manModule, { force: true });
}
