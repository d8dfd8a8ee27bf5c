// From parsed options to a connected runner, and back: the engine is always closed, and the
// advisory lock (held by the connection) ends with it.
import type { Logger as Pino } from 'pino';
import { openEngine } from '../runner/engines/open.js';
import { ConnectError } from '../runner/errors.js';
import { Runner } from '../runner/runner.js';
import { parseDuration } from './duration.js';

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

export async function withRunner<T>(opts: GlobalOptions, logger: Pino, fn: (runner: Runner) => Promise<T>): Promise<T> {
  const lockTimeoutMs = parseDuration('lock-timeout', opts.lockTimeout);
  // DATABASE_URL is read here rather than as --url's default: `check` must not pick it up.
  const engine = await openEngine(opts.url ?? process.env.DATABASE_URL, {
    lockTimeoutMs,
    onDirectoryWait: () => logger.warn({ event: 'directory-wait' }, 'another pgstrata process has this PGlite directory open; waiting'),
  }).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) throw new ConnectError(`cannot connect: ${(e as Error).message}`, { cause: e });
    throw e;
  });
  logger.debug({ event: 'connected', database: engine.description }, `connected to ${engine.description}`);
  try {
    const runner = new Runner(engine, { dir: opts.dir, schema: opts.schema, table: opts.table, lockTimeoutMs, allowDrift: opts.allowDrift, logger });
    return await fn(runner);
  } finally {
    await engine.close().catch(() => {});
  }
}
