#!/usr/bin/env node
// The `pgstrata` command: runs the bundled CLI (./pgstrata.cjs, one CommonJS file that
// scripts/bundle.mjs builds from cli.ts) from V8's code cache (./pgstrata.cjs.cache, written by
// the build). Compiling the bundle is a good part of a short command's time; with the cache V8
// skips it. A cache from another Node or V8 version is rejected by V8 and the bundle compiles
// as usual, so a missing or stale cache costs speed, never correctness.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundleUrl = new URL('./pgstrata.cjs', import.meta.url);
const bundle = fileURLToPath(bundleUrl);
const cacheFile = `${bundle}.cache`;

let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (not built yet, or removed): V8 compiles the bundle.
}
const script = new Script(readFileSync(bundle, 'utf8'), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
// The build runs one command with this set, so the cache holds what that command compiled (not
// PGSTRATA_…: those are the CLI's own options).
if (process.env.WRITE_PGSTRATA_CODE_CACHE === '1') process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));

// The bundle is a function of what a CommonJS module gets, plus the two things it needs from an
// ES module: its own URL, and import() for the packages it loads only when asked (PGlite, pg-mem,
// libpg-query), which a script compiled by node:vm cannot call itself.
const run = script.runInThisContext() as (...args: unknown[]) => void;
const module = { exports: {} };
run(module.exports, createRequire(bundle), module, bundle, dirname(bundle), bundleUrl.href, (specifier: string) => import(specifier));
