// PGlite: real PostgreSQL compiled to WebAssembly, embedded in this process. The default engine
// when no URL is given. Its package is loaded only here, only when asked for.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { ConnectError } from '../util/errors.js';
import { redactForeign } from '../util/redact.js';
import { lockDirectory, type DirLock } from './dirlock.js';
import type { Engine, TransactionStatus } from './engine.js';

/**
 * The contrib extensions PGlite ships, as CREATE EXTENSION names them. Each is a separate bundle
 * that must be handed to PGlite when it starts, so it is loaded only when asked for.
 */
export const PGLITE_EXTENSIONS = [
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance', 'file_fdw',
  'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache', 'pg_freespacemap',
  'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg', 'tablefunc', 'tcn',
  'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp',
];

/** The extension bundles for `names` (CREATE EXTENSION names), as PGlite.create takes them. */
async function extensionBundles(names: string[]): Promise<Record<string, unknown>> {
  const bundles: Record<string, unknown> = {};
  for (const name of names) {
    const module = name.replace(/-/g, '_');
    const loaded = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, unknown>;
    bundles[module] = loaded[module];
  }
  return bundles;
}

export class PGliteEngine implements Engine {
  readonly kind = 'pglite';
  readonly capabilities = { advisoryLocks: true, transactionalDdl: true };

  private constructor(
    private readonly db: PGlite,
    readonly description: string,
    private readonly dirLock: DirLock | undefined,
    private readonly owned: boolean,
  ) {}

  /** Opens `dir` (created if missing), or an in-memory database when dir is undefined. */
  static async open(dir: string | undefined, lockTimeoutMs: number, onWait?: () => void, extensions: string[] = []): Promise<PGliteEngine> {
    const { PGlite } = await import('@electric-sql/pglite');
    if (dir === undefined) {
      const options = extensions.length > 0 ? { extensions: (await extensionBundles(extensions)) as never } : {};
      return new PGliteEngine(await PGlite.create(options), 'pglite:memory', undefined, true);
    }
    const path = resolve(dir);
    mkdirSync(dirname(path), { recursive: true });
    const lock = await lockDirectory(path, lockTimeoutMs, onWait);
    try {
      return new PGliteEngine(await PGlite.create(path), `pglite:${dir}`, lock, true);
    } catch (e) {
      lock.release();
      throw new ConnectError(`cannot open PGlite database in ${dir}: ${redactForeign((e as Error).message)}`, { cause: e });
    }
  }

  /** Wraps an instance the caller created; `close` leaves it open for the caller. */
  static fromInstance(db: PGlite): PGliteEngine {
    return new PGliteEngine(db, 'pglite (caller-provided instance)', undefined, false);
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transactionStatus(): TransactionStatus {
    return this.db.isInTransaction() ? 'open' : 'idle';
  }

  async close(): Promise<void> {
    try {
      if (this.owned) await this.db.close();
    } finally {
      this.dirLock?.release();
    }
  }
}
