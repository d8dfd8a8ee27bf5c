// The scratch database of a round trip: an in-memory PGlite by default (no server, no login),
// or a throwaway database created on the server that --url names and dropped afterwards.
// Never the user's own database: a round trip runs every down. A Ctrl-C or SIGTERM while the
// throwaway database exists drops it before the process ends.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../runner/engines/engine.js';
import { openEngine } from '../../runner/engines/open.js';
import { ConnectError, UsageError } from '../../runner/util/errors.js';
import { redactUrl } from '../../runner/util/redact.js';
import { quoteIdent } from '../../runner/util/sqlstring.js';
import { onInterrupt } from './interrupt.js';

export interface Scratch {
  /** Its description is safe to print: `pglite:memory`, or the server URL with the database's name. */
  engine: Engine;
  /** On a server, its URL (with the credentials: never print it), for a second connection. */
  url?: string;
  /** Closes it and, on a server, drops the database. */
  dispose(): Promise<void>;
}

/** Nothing else opens a scratch database, so there is no directory lock to wait for. */
const NO_WAIT = { lockTimeoutMs: 0 };

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export interface ScratchOptions {
  /** PGlite: the contrib extensions to load (the prelude's and the migrations' CREATE EXTENSIONs). */
  extensions?: string[];
  /** Server: the throwaway database's name starts with this (default pgstrata_check). */
  prefix?: string;
  /** Server: CREATE DATABASE … TEMPLATE this (default the server's, template1). */
  template?: string;
}

export async function openScratch(url: string | undefined, options: ScratchOptions = {}): Promise<Scratch> {
  if (url === undefined || url === '' || url.startsWith('pglite:')) {
    const engine = await openEngine('pglite:memory', { ...NO_WAIT, ...(options.extensions ? { extensions: options.extensions } : {}) });
    return { engine, dispose: () => engine.close() };
  }
  if (!/^postgres(ql)?:\/\/./.test(url)) {
    throw new UsageError(`check --roundtrip needs PostgreSQL: give --url postgres://… (a throwaway database is created there), or leave --url out for an in-memory PGlite; "${redactUrl(url)}" is neither`);
  }
  const admin = await openEngine(url, NO_WAIT);
  const prefix = options.prefix ?? 'pgstrata_check';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new UsageError(`--scratch-prefix "${prefix}": use lower-case letters, digits and _ (at most 41), starting with a letter or _`);
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdent(database)}${options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : ''}`);
  } catch (e) {
    await admin.close().catch(() => {});
    throw new ConnectError(`cannot create a scratch database on ${admin.description}: ${(e as Error).message}. The user in --url needs CREATEDB; or leave --url out to round-trip on an in-memory PGlite.`, { cause: e });
  }
  // Once, whoever asks first: dispose() or a Ctrl-C while the round trip runs.
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= dropDatabase(admin, database));
  const stopListening = onInterrupt(`dropping the scratch database ${database}`, drop);
  const finish = () => drop().finally(() => (stopListening(), admin.close()));
  let engine: Engine;
  const scratchUrl = withDatabase(url, database);
  try {
    engine = await openEngine(scratchUrl, NO_WAIT);
  } catch (e) {
    await finish();
    throw e;
  }
  return {
    engine,
    url: scratchUrl,
    async dispose() {
      await engine.close().catch(() => {});
      await finish();
    },
  };
}

/** Drops the database, ending the sessions still in it (a failed migration's, or a running one's). */
export async function dropDatabase(admin: Engine, database: string): Promise<void> {
  const [{ v }] = await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  // WITH (FORCE) is PostgreSQL 13+; before, the sessions are ended first.
  const force = Number(v) >= 130000;
  if (!force) await admin.query('SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_catalog.pg_backend_pid()', [database]);
  await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(database)}${force ? ' WITH (FORCE)' : ''}`);
}
