// Bundles the CLI into dist/: the entry, with the chunks of the commands cron runs folded in, and
// one chunk per command (and per set of shared modules) that loads on demand.
// Bundling matters for cron: resolving and compiling hundreds of small module files costs more than
// the code itself (measured: yaml 38 ms unbundled, 10 ms bundled), and so does each chunk file
// (measured: aos status 87 -> 58 ms of CPU with its 43 chunks in one file; see foldHotChunks).
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync, writeFileSync, mkdirSync, copyFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * The source modules whose chunks (and everything they import statically) are folded into
 * dist/aos.js: what cron's `aos tick` and `aos status` load, idle or with items waiting. Every
 * other command loads its chunks on demand as before.
 */
const HOT_SOURCES = ['cli/commands/tick.ts', 'cli/commands/status.ts', 'cli/flows/serve.ts', 'cli/flows/outage.ts'];
// CommonJS dependencies inside an ES module bundle still call require().
const REQUIRE_BANNER = "import { createRequire as __aosRequire } from 'node:module'; const require = __aosRequire(import.meta.url);";
const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const split = await build({
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
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
  metafile: true,
});
await foldHotChunks(split.metafile);
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


/**
 * Folds the hot chunks into the entry, after the split build. esbuild's code splitting makes one
 * chunk per set of entries sharing code, so an idle tick loaded 44 files of 0.4–20 KB, and Node's
 * ES module loader pays per file (resolve, read, compile, link): ~0.6 ms each of CPU, more than the
 * code they hold. Here esbuild bundles its own output again: the entry plus every hot chunk and
 * their static imports, re-exporting each folded chunk's exports under a name of its own, and each
 * folded chunk's file becomes a one-line stub that re-exports them from dist/aos.js. A module's
 * code thus still exists once: a chunk loaded on demand later imports the stub and gets the very
 * same instances (classes `instanceof` compares, module-level caches), never a copy. Dynamic imports
 * of chunks not folded stay dynamic.
 */
async function foldHotChunks(metafile) {
  const dist = join(root, 'dist');
  const entry = join(dist, 'aos.js');
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([file, meta]) => [resolve(root, file), meta]));
  const roots = [entry, ...Object.entries(outputs).filter(([, m]) => HOT_SOURCES.includes(m.entryPoint)).map(([f]) => f)];
  if (roots.length !== HOT_SOURCES.length + 1) throw new Error(`build: a hot source is no longer an entry of its own: ${HOT_SOURCES.join(', ')}`);
  const hot = new Set();
  const visit = (file) => {
    if (hot.has(file)) return;
    hot.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(resolve(root, i.path));
  };
  roots.forEach(visit);
  const folded = [...hot].filter((f) => f !== entry);
  const alias = (k, name) => `__hot${k}_${name}`;
  const contents = [
    ...folded.map((f, k) => `export { ${outputs[f].exports.map((n) => `${n} as ${alias(k, n)}`).join(', ')} } from ${JSON.stringify(f)};`),
    `export * from ${JSON.stringify(entry)};`,
  ].join('\n');
  const bundled = await build({
    stdin: { contents, resolveDir: dist, sourcefile: 'aos-hot.js' },
    outfile: entry + '.folded',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    // One require for the whole file: each folded chunk's own (its banner, dropped on load below)
    // cost a createRequire at startup, 67 of them.
    banner: { js: '#!/usr/bin/env node\n' + REQUIRE_BANNER },
    logLevel: 'warning',
    plugins: [
      {
        name: 'fold-hot-chunks',
        setup(b) {
          b.onResolve({ filter: /^\./ }, (args) => {
            const file = resolve(args.resolveDir, args.path);
            if (hot.has(file)) return { path: file };
            // Not folded: stays its own chunk, named from where the folded file will be.
            return { path: './' + relative(dist, file), external: true };
          });
          b.onLoad({ filter: /\.js$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            if (!text.startsWith(REQUIRE_BANNER) && !text.startsWith('#!/usr/bin/env node\n' + REQUIRE_BANNER)) throw new Error(`build: ${args.path} does not start with the require banner`);
            return { contents: text.replace(REQUIRE_BANNER, ''), loader: 'js' };
          });
        },
      },
    ],
  });
  if (bundled.errors.length) throw new Error('build: folding the hot chunks failed');
  renameSync(entry + '.folded', entry);
  renameSync(entry + '.folded.map', entry + '.map');
  // esbuild named the map after the temporary file.
  writeFileSync(entry, readFileSync(entry, 'utf8').replace(/aos\.js\.folded\.map\s*$/, 'aos.js.map\n'));
  for (const [k, f] of folded.entries()) {
    const names = outputs[f].exports;
    const from = JSON.stringify('./' + relative(dirname(f), entry));
    writeFileSync(f, names.length ? `export { ${names.map((n) => `${alias(k, n)} as ${n}`).join(', ')} } from ${from};\n` : `import ${from};\n`);
    rmSync(f + '.map', { force: true });
  }
}
