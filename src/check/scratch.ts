// The scratch database of a round trip: an in-memory PGlite by default (no server, no login),
// or a throwaway database created on the server that --url names and dropped afterwards.
// Never the user's own database: a round trip runs every down.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../runner/engines/engine.js';
import { openEngine } from '../runner/engines/open.js';
import { ConnectError, UsageError } from '../runner/errors.js';
import { redactUrl } from '../runner/redact.js';
import { quoteIdent } from '../runner/sqlstring.js';

export interface Scratch {
  /** Its description is safe to print: `pglite:memory`, or the server URL with the database's name. */
  engine: Engine;
  /** Closes it and, on a server, drops the database. */
  dispose(): Promise<void>;
}

/** Nothing else opens a scratch database, so there is no directory lock to wait for. */
const NO_WAIT = { lockTimeoutMs: 0 };

/** The same server and credentials, another database. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export async function openScratch(url: string | undefined): Promise<Scratch> {
  if (url === undefined || url === '' || url.startsWith('pglite:')) {
    const engine = await openEngine('pglite:memory', NO_WAIT);
    return { engine, dispose: () => engine.close() };
  }
  if (!/^postgres(ql)?:\/\/./.test(url)) {
    throw new UsageError(`check --roundtrip needs PostgreSQL: give --url postgres://… (a throwaway database is created there), or leave --url out for an in-memory PGlite; "${redactUrl(url)}" is neither`);
  }
  const admin = await openEngine(url, NO_WAIT);
  const database = `pgstrata_check_${randomBytes(6).toString('hex')}`;
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdent(database)}`);
  } catch (e) {
    await admin.close().catch(() => {});
    throw new ConnectError(`cannot create a scratch database on ${admin.description}: ${(e as Error).message}. The user in --url needs CREATEDB; or leave --url out to round-trip on an in-memory PGlite.`, { cause: e });
  }
  const drop = async () => {
    const [{ v }] = await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    // WITH (FORCE) (PostgreSQL 13+) also ends a session a failed migration left behind.
    await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(database)}${Number(v) >= 130000 ? ' WITH (FORCE)' : ''}`);
  };
  let engine: Engine;
  try {
    engine = await openEngine(withDatabase(url, database), NO_WAIT);
  } catch (e) {
    await drop().finally(() => admin.close());
    throw e;
  }
  return {
    engine,
    async dispose() {
      try {
        await engine.close().catch(() => {});
        await drop();
      } finally {
        await admin.close();
      }
    },
  };
}
