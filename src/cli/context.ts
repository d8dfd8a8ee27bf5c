// From parsed options to a connected runner, and back: the engine is always closed, and the
// advisory lock (held by the connection) ends with it.
import type { Logger } from '../runner/util/logger.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AbsentDatabase } from '../runner/engines/absent.js';
import { DEFAULT_DIR, openEngine } from '../runner/engines/open.js';
import { ConnectError } from '../runner/util/errors.js';
import { redactForeign } from '../runner/util/redact.js';
import { NO_DATABASE } from '../runner/commands/offline.js';
import { Runner } from '../runner/commands/runner.js';
import { loadDraftHistory, warnAboutEmpty } from '../runner/graph/drafts.js';
import type { History } from '../runner/graph/history.js';
import { parseDuration } from './duration.js';
import { err } from './output.js';

export interface GlobalOptions {
  url?: string;
  dir: string;
  schema: string;
  table: string;
  lockTimeout: string;
  dryRun: boolean;
  json: boolean;
  allowDrift: boolean;
}

/** Global options that only commands reading the version table use (the others hide them in --help). */
export const DATABASE_OPTIONS = ['url', 'schema', 'table'];

/**
 * The database a command uses: --url (or PGSTRATA_URL), else DATABASE_URL. Read here rather than
 * as --url's default, because `check` must not pick DATABASE_URL up.
 */
function databaseUrl(opts: GlobalOptions): string | undefined {
  return opts.url ?? process.env.DATABASE_URL;
}

/**
 * With no URL, the embedded default database, unless it does not exist yet and the command only
 * reads (status, current, locks) or is a dry run: README promises those create nothing, so they
 * see a database with nothing applied, and say so.
 */
function absentDefault(opts: GlobalOptions, readOnly: boolean): AbsentDatabase | undefined {
  if (!readOnly || databaseUrl(opts) || existsSync(resolve(DEFAULT_DIR))) return undefined;
  const absent = new AbsentDatabase(DEFAULT_DIR);
  err(`note: ${absent.description}; \`make migrate\` creates it (or \`pgstrata up\`). Nothing was created.`);
  return absent;
}

/** `readOnly` (default: --dry-run) marks a command that must not create the default database. */
export async function withRunner<T>(opts: GlobalOptions, logger: Logger, fn: (runner: Runner) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const lockTimeoutMs = parseDuration('lock-timeout', opts.lockTimeout);
  const absent = absentDefault(opts, options.readOnly ?? opts.dryRun);
  const engine =
    absent ??
    (await openEngine(databaseUrl(opts), {
      lockTimeoutMs,
      onDirectoryWait: () => logger.warn({ event: 'directory-wait' }, 'another pgstrata process has this PGlite directory open; waiting'),
    }).catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code && /^E[A-Z]+$/.test(code)) throw new ConnectError(`cannot connect: ${redactForeign((e as Error).message)}`, { cause: e });
      throw e;
    }));
  logger.debug({ event: 'connected', database: engine.description }, `connected to ${engine.description}`);
  try {
    const runner = new Runner(engine, { dir: opts.dir, schema: opts.schema, table: opts.table, lockTimeoutMs, allowDrift: opts.allowDrift, logger });
    return await fn(runner);
  } finally {
    await engine.close().catch(() => {});
  }
}

/**
 * A runner for commands that can work without a database (offline scripts, history drawings):
 * connected only when a URL is given (--url, DATABASE_URL or PGSTRATA_URL) and `wanted`, never
 * to the default embedded database.
 */
export async function withOptionalRunner<T>(opts: GlobalOptions, logger: Logger, wanted: boolean, fn: (runner: Runner, connected: boolean) => Promise<T>): Promise<T> {
  if (wanted && databaseUrl(opts)) return withRunner(opts, logger, (r) => fn(r, true));
  const runner = new Runner(NO_DATABASE, { dir: opts.dir, schema: opts.schema, table: opts.table, logger });
  return fn(runner, false);
}

/**
 * The history for a command that neither runs nor records SQL: empty files (a revision `new`
 * just wrote) are warned about once instead of stopping it. See drafts.ts.
 */
export function draftHistory(opts: GlobalOptions, logger: Logger): History {
  const history = loadDraftHistory(opts.dir);
  warnAboutEmpty(history, logger);
  return history;
}
