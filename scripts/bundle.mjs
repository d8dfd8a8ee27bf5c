// Bundles the compiled CLI (dist/src/cli.js) into dist/bin/. Start-up is most of a short
// command's time: Node spends it resolving and compiling yargs' and pg's many small modules, and
// then compiling the code itself (docs/benchmarks.md, "cold start"). So the CLI becomes one
// CommonJS script, dist/bin/pgstrata.cjs, that dist/bin/pgstrata.js (src/launcher.ts) runs from a
// V8 code cache written here, by running one command that needs no database.
// Packages that are heavy, optional or native stay outside and load from node_modules as before.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}/dist/bin`;
rmSync(bin, { recursive: true, force: true });
// What both bundles (the CLI and the benchmarks' no-op floor) share.
const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // pg probes for Cloudflare Workers by constructing a fetch Response, which makes Node load
  // undici (~20 ms) on every start; with no Response the probe answers "not Cloudflare" at once.
  // Nothing else in either bundle refers to Response.
  define: { Response: 'undefined' },
};

await build({
  ...common,
  entryPoints: [`${root}/dist/src/cli.js`],
  outfile: `${bin}/pgstrata.cjs`,
  sourcemap: 'linked',
  format: 'cjs',
  external: ['@electric-sql/pglite', 'pg-mem', 'libpg-query', 'pino', 'pino-pretty', 'pg-native'],
  alias: { 'string-width': `${root}/dist/src/cli/string-width.js` },
  // The launcher passes the bundle's URL in (version.ts finds package.json from it).
  define: { ...common.define, 'import.meta.url': '__pgstrataUrl' },
  // The script is one function expression; launcher.ts calls it with these arguments.
  banner: { js: '(function (exports, require, module, __filename, __dirname, __pgstrataUrl, $pgImp) {' },
  footer: { js: '})' },
});

// import() cannot run in a node:vm script without an experimental flag; the launcher's does. The
// name has import's length, so the source map's columns stay right. A template literal is a string
// too (PGlite's contrib bundles are imported by name).
const out = `${bin}/pgstrata.cjs`;
const code = readFileSync(out, 'utf8').replace(/\bimport\((?=["'`])/g, '$pgImp(');
const left = /\bimport\(/.exec(code);
if (left) throw new Error(`bundle.mjs: a dynamic import() is left in pgstrata.cjs at offset ${left.index}; only string literals can be rewritten`);
writeFileSync(out, code);

copyFileSync(`${root}/dist/src/launcher.js`, `${bin}/pgstrata.js`);
chmodSync(`${bin}/pgstrata.js`, 0o755);

// The code cache: what `history` compiles (start-up, yargs, reading and validating the files, the
// graph) — everything but the database, which must not be touched here, so no URL of any kind.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PGSTRATA_|DATABASE_URL$|PG[A-Z]+$)/.test(k)));
// The cache is written on exit whatever the command's status, so a broken sql/ costs nothing
// here; without a cache the CLI still works, only its start is slower.
const warm = spawnSync(process.execPath, [`${bin}/pgstrata.js`, 'history', '--dir', `${root}/sql`], { cwd: bin, env: { ...env, WRITE_PGSTRATA_CODE_CACHE: '1' }, encoding: 'utf8' });
if (!existsSync(`${out}.cache`)) console.warn(`bundle.mjs: no code cache was written (exit ${warm.status}); pgstrata will start without it.\n${warm.stderr}`);

// The no-op floor of the benchmarks (bench/noop-floor.ts) is bundled too (one ES module, no code
// cache), so that the yardstick does not pay for resolving node-postgres' many small files.
await build({
  ...common,
  entryPoints: { 'noop-floor.bundle': `${root}/dist/bench/noop-floor.js` },
  outdir: `${root}/dist/bench`,
  format: 'esm',
  external: ['pg-native'],
  // Bundled CommonJS (pg) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __pgstrataCreateRequire } from 'node:module'; const require = __pgstrataCreateRequire(import.meta.url);" },
});
