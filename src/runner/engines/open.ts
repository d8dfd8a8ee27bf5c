// Picks an engine from a URL and loads only that engine's package, so `status` against a
// server never pays for PGlite's WebAssembly start-up.
import { UsageError } from '../util/errors.js';
import { redactUrl } from '../util/redact.js';
import type { Engine } from './engine.js';

/** Used when no URL is given: an embedded PGlite database in the project. */
export const DEFAULT_DIR = './.pgstrata/dev';
export const DEFAULT_URL = `pglite:${DEFAULT_DIR}`;

export interface OpenOptions {
  /** How long to wait for another process holding a PGlite directory. */
  lockTimeoutMs: number;
  onDirectoryWait?: () => void;
  /** pglite:memory only: contrib extensions to load (see PGLITE_EXTENSIONS). */
  extensions?: string[];
}

export async function openEngine(url: string | undefined, options: OpenOptions): Promise<Engine> {
  const target = url && url.length > 0 ? url : DEFAULT_URL;
  if (/^postgres(ql)?:\/\//.test(target)) {
    const { PostgresEngine } = await import('./postgres.js');
    return PostgresEngine.connect(target);
  }
  if (target.startsWith('pglite:')) {
    const rest = target.slice('pglite:'.length).replace(/^\/\//, '');
    if (rest === '') throw new UsageError('pglite: needs a directory (pglite:./path) or "memory" (pglite:memory)');
    const { PGliteEngine } = await import('./pglite.js');
    return PGliteEngine.open(rest === 'memory' ? undefined : rest, options.lockTimeoutMs, options.onDirectoryWait, options.extensions);
  }
  if (target === 'pgmem:' || target === 'pgmem://' || target === 'pg-mem:') {
    const { PgMemEngine } = await import('./pgmem.js');
    return PgMemEngine.create();
  }
  // libpq's keyword/value form (host=… dbname=…) is refused rather than guessed at.
  const keywords = /^\s*[a-z_]+\s*=/i.test(target) ? '; keyword/value connection strings are not supported, write it as postgres://user:password@host:port/dbname' : '';
  throw new UsageError(`unsupported database URL "${redactUrl(target)}": use postgres://…, pglite:<dir>, pglite:memory or pgmem:${keywords}`);
}
