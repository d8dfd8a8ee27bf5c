// pgstrata as a library: the runner the CLI uses, and a one-call `migrate` for an application's
// test suite that wants its own pg-mem, PGlite or node-postgres database brought up to date.
import type { Engine } from './runner/engines/engine.js';
import { openEngine } from './runner/engines/open.js';
import { Runner, type RunOptions, type RunResult, type RunnerOptions } from './runner/commands/runner.js';

export { Runner } from './runner/commands/runner.js';
export type { RunnerOptions, RunOptions, RunResult, StepResult } from './runner/commands/runner.js';
export type { Engine, EngineCapabilities, EngineKind } from './runner/engines/engine.js';
export { openEngine, DEFAULT_URL } from './runner/engines/open.js';
export * from './runner/util/errors.js';
export { importHistory, FORMATS as IMPORT_FORMATS, type ImportOptions, type ImportResult, type Manifest } from './import/index.js';
export { silentLogger, stderrLogger, type Logger } from './runner/util/logger.js';

/** Anything `migrate` can run against. */
export type Database = string | Engine | object;

function looksLike<K extends string>(db: object, ...keys: K[]): db is Record<K, unknown> {
  return keys.every((k) => k in db);
}

/** Wraps a caller's database object in an engine without taking ownership of it. */
export async function engineFor(db: Database, lockTimeoutMs = 5 * 60_000): Promise<{ engine: Engine; owned: boolean }> {
  if (typeof db === 'string') return { engine: await openEngine(db, { lockTimeoutMs }), owned: true };
  if (looksLike(db, 'kind', 'capabilities', 'exec', 'query')) return { engine: db as unknown as Engine, owned: false };
  if (looksLike(db, 'adapters', 'public')) {
    const { PgMemEngine } = await import('./runner/engines/pgmem.js');
    return { engine: await PgMemEngine.fromInstance(db as never), owned: true };
  }
  if (looksLike(db, 'waitReady', 'exec', 'query')) {
    const { PGliteEngine } = await import('./runner/engines/pglite.js');
    return { engine: PGliteEngine.fromInstance(db as never), owned: false };
  }
  if (looksLike(db, 'getTransactionStatus', 'query', 'connect')) {
    const { PostgresEngine } = await import('./runner/engines/postgres.js');
    return { engine: PostgresEngine.fromClient(db as never), owned: false };
  }
  throw new TypeError('migrate() takes a database URL, a pg-mem database (newDb()), a PGlite instance, a connected pg.Client, or an Engine');
}

export interface MigrateOptions extends RunnerOptions, RunOptions {
  /** Where to go (default: every head). */
  target?: string;
}

/**
 * Applies the migrations in `options.dir` (default ./sql) to `db` and returns what ran.
 *
 *   const db = newDb();                       // pg-mem
 *   await migrate(db, { dir: 'sql' });
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<RunResult> {
  const { engine, owned } = await engineFor(db, options.lockTimeoutMs);
  try {
    return await new Runner(engine, options).up(options.target ?? 'heads', options);
  } finally {
    // pg-mem's adapter client is ours; the caller's database stays usable.
    if (owned) await engine.close();
  }
}
