// Bundles the compiled CLI (dist/src/cli.js) into dist/bin/: one file for what every command
// needs, plus chunks that load only when asked for (node-postgres for a server URL). Start-up is
// most of a short command's time, and Node spends it resolving and compiling yargs' and pg's
// many small modules; one bundle removes that (docs/benchmarks.md, "cold start").
// Packages that are heavy, optional or native stay outside and load from node_modules as before.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist/bin`, { recursive: true, force: true });
await build({
  entryPoints: { pgstrata: `${root}/dist/src/cli.js` },
  outdir: `${root}/dist/bin`,
  bundle: true,
  splitting: true,
  minify: true,
  sourcemap: 'linked',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['@electric-sql/pglite', 'pg-mem', 'libpg-query', 'pino', 'pino-pretty', 'pg-native'],
  alias: { 'string-width': `${root}/dist/src/cli/string-width.js` },
  // The bundle runs on Node only. pg probes for Cloudflare Workers by constructing a fetch
  // Response, which makes Node load undici (~20 ms) on every start; with no Response the probe
  // answers "not Cloudflare" at once. Nothing else in the bundle refers to Response.
  define: { Response: 'undefined' },
  // Bundled CommonJS (pg, yargs' helpers) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __pgstrataCreateRequire } from 'node:module'; const require = __pgstrataCreateRequire(import.meta.url);" },
});

// The no-op floor of the benchmarks (bench/noop-floor.ts) is bundled the same way, so that the
// yardstick pays what the CLI pays to load node-postgres, no more.
await build({
  entryPoints: { 'noop-floor.bundle': `${root}/dist/bench/noop-floor.js` },
  outdir: `${root}/dist/bench`,
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: ['pg-native'],
  define: { Response: 'undefined' },
  banner: { js: "import { createRequire as __pgstrataCreateRequire } from 'node:module'; const require = __pgstrataCreateRequire(import.meta.url);" },
});
