// Bundles the CLI into dist/: one small entry chunk, and one chunk per command that loads on demand.
// Bundling matters for cron: resolving and compiling hundreds of small module files costs more than
// the code itself (measured: yaml 38 ms unbundled, 10 ms bundled).
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
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

// The report page's script with chart.js bundled in (aos report copies dist/page/ next to the pages):
// one local file, so the page works offline from file:// and under a CSP of script-src 'self'.
// Bundled here rather than copying chart.js's UMD file at report time: dist/ then holds all aos
// needs, whatever node_modules looks like where aos is installed.
await build({
  entryPoints: { page: 'page/page.js' },
  outdir: 'dist/page',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
mkdirSync(new URL('../dist/page', import.meta.url), { recursive: true });
copyFileSync(new URL('../page/style.css', import.meta.url), new URL('../dist/page/style.css', import.meta.url));
