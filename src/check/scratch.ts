// The scratch database of a round trip: an in-memory PGlite by default (no server, no login),
// or a throwaway database created on the server that --url names and dropped afterwards.
// Never the user's own database: a round trip runs every down.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../runner/engines/engine.js';
import { ConnectError, UsageError } from '../runner/errors.js';

export interface Scratch {
  engine: Engine;
  /** What it is, safe to print: `pglite:memory`, or the server URL with the database's name. */
  description: string;
  /** The throwaway database's name on a server. */
  database?: string;
  /** Closes it and, on a server, drops the database. */
  dispose(): Promise<void>;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export async function openScratch(url: string | undefined): Promise<Scratch> {
  if (url === undefined || url === '' || url.startsWith('pglite:')) {
    const { PGliteEngine } = await import('../runner/engines/pglite.js');
    const engine = await PGliteEngine.open(undefined, 0);
    return { engine, description: 'pglite:memory', dispose: () => engine.close() };
  }
  if (!/^postgres(ql)?:\/\/./.test(url)) {
    throw new UsageError(`check --roundtrip needs PostgreSQL: give --url postgres://… (a throwaway database is created there), or leave --url out for an in-memory PGlite; "${url.replace(/:[^:@/]*@/, ':***@')}" is neither`);
  }
  const { PostgresEngine } = await import('../runner/engines/postgres.js');
  const admin = await PostgresEngine.connect(url);
  const database = `pgstrata_check_${randomBytes(6).toString('hex')}`;
  try {
    await admin.exec(`CREATE DATABASE "${database}"`);
  } catch (e) {
    await admin.close().catch(() => {});
    throw new ConnectError(`cannot create a scratch database on ${admin.description}: ${(e as Error).message} (the user needs CREATEDB)`, { cause: e });
  }
  const drop = async () => {
    const [{ v }] = await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    // WITH (FORCE) (PostgreSQL 13+) also ends a session a failed migration left behind.
    await admin.exec(`DROP DATABASE IF EXISTS "${database}"${Number(v) >= 130000 ? ' WITH (FORCE)' : ''}`);
  };
  let engine: Engine;
  try {
    engine = await PostgresEngine.connect(withDatabase(url, database));
  } catch (e) {
    await drop().finally(() => admin.close());
    throw e;
  }
  return {
    engine,
    description: engine.description,
    database,
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
