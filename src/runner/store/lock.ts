// The migration lock: a session advisory lock on the runner's one pinned connection, keyed by
// the schema-qualified version table so two projects in one database do not block each other.
// It is taken by polling pg_try_advisory_lock, never by blocking in pg_advisory_lock: a backend
// blocked there sits in a transaction that another runner's CREATE INDEX CONCURRENTLY waits for,
// and the two deadlock.
import { createHash } from 'node:crypto';
import type { Engine } from '../engines/engine.js';
import { LockTimeoutError, SessionPoolingError } from '../util/errors.js';
import { humanDuration } from '../util/elapsed.js';
import type { Logger } from '../util/logger.js';

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  state: string | null;
  /** When the holder's backend connected (pg_stat_activity.backend_start): not when it took the lock, which PostgreSQL does not record. */
  since: Date | null;
  /** How long it has been in `state`, by the server's clock. */
  inStateMs: number | null;
  query: string | null;
}

export interface HeldLock {
  release(): Promise<void>;
  /** How long acquiring took, including any wait. */
  waitedMs: number;
}

/** A 64-bit key from the qualified table name, as the signed bigint PostgreSQL takes. */
export function lockKey(schema: string, table: string): bigint {
  const digest = createHash('sha256').update(`pgstrata\0${schema}\0${table}`).digest();
  return digest.readBigInt64BE(0);
}

/** pg_locks shows a bigint advisory key as two unsigned 32-bit halves. */
export function keyHalves(key: bigint): [string, string] {
  const unsigned = BigInt.asUintN(64, key);
  return [String(unsigned >> 32n), String(unsigned & 0xffffffffn)];
}

/** The columns a holder is described by, as lockHolder and the poll read them from pg_stat_activity. */
interface HolderRow {
  pid: number | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  backend_start: Date | null;
  in_state_ms: string | number | null;
  query: string | null;
}

const HOLDER_COLUMNS = 'a.pid, a.application_name, pg_catalog.host(a.client_addr) AS client_addr, a.state, a.backend_start, (extract(epoch from now() - a.state_change) * 1000)::bigint AS in_state_ms, a.query';

function holderOf(r: HolderRow | undefined): LockHolder | undefined {
  if (!r || r.pid === null) return undefined;
  const inStateMs = r.in_state_ms === null || r.in_state_ms === undefined ? null : Number(r.in_state_ms);
  return { pid: r.pid, applicationName: r.application_name ?? '', clientAddr: r.client_addr, state: r.state, since: r.backend_start, inStateMs, query: r.query };
}

/** pg_locks rows (alias l) of the granted lock on `key`. Its halves are numbers, inlined. */
function grantedLock(key: bigint): string {
  const [classid, objid] = keyHalves(key);
  return `l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = ${classid}::bigint::oid AND l.objid = ${objid}::bigint::oid`;
}

/** The session holding the lock on `key` in this database, as HOLDER_COLUMNS. */
function holderQuery(key: bigint): string {
  return (
    `SELECT ${HOLDER_COLUMNS} FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid ` +
    `WHERE ${grantedLock(key)} AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`
  );
}

/** Who holds the lock for `key` in this database, if anyone. */
export async function lockHolder(engine: Engine, key: bigint): Promise<LockHolder | undefined> {
  const rows = await engine.query<HolderRow>(holderQuery(key));
  return holderOf(rows[0]);
}

export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'another session (it let go while we looked)';
  const parts = [`pid ${h.pid}`];
  if (h.applicationName) parts.push(`application_name ${h.applicationName}`);
  if (h.clientAddr) parts.push(`from ${h.clientAddr}`);
  if (h.since) parts.push(`connected at ${h.since.toISOString()}`);
  if (h.state) parts.push(h.inStateMs === null ? h.state : `${h.state} for ${humanDuration(h.inStateMs)}`);
  return parts.join(', ');
}

export interface AcquireOptions {
  key: bigint;
  timeoutMs: number;
  logger: Logger;
  /** How often to repeat the "still waiting" line (default 30 s). */
  reportEveryMs?: number;
}

/**
 * The statement a runner polls with. It takes the lock unless this server session holds it
 * already (NULL): session advisory locks are re-entrant, so through a pooler that shares server
 * sessions a second runner landing on the holder's session would otherwise "take" it too. The key
 * is inlined, not a parameter, so that pg_stat_activity shows which lock a waiting runner polls
 * for: `pgstrata locks` tells this project's waiters from another's. When the lock is taken,
 * the same statement says who holds it: a waiting runner sends no other statement, so
 * `pgstrata locks` sees it polling at every moment, not only between two look-ups of the holder.
 * At about 930 bytes for any key, the text fits pg_stat_activity's default 1 kB (a longer one is
 * truncated there, and `locks` compares it whole).
 */
export function pollQuery(key: bigint): string {
  return (
    `WITH try AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE ${grantedLock(key)} AND l.pid = pg_catalog.pg_backend_pid()) THEN NULL ELSE pg_catalog.pg_try_advisory_lock(${key}::bigint) END AS ok) ` +
    `SELECT try.ok, h.* FROM try LEFT JOIN LATERAL (${holderQuery(key)} AND NOT try.ok LIMIT 1) h ON true`
  );
}

/** Polls until the lock is ours or the timeout passes (LockTimeoutError). */
export async function acquireLock(engine: Engine, options: AcquireOptions): Promise<HeldLock> {
  const { key, timeoutMs, logger } = options;
  const reportEvery = options.reportEveryMs ?? 30_000;
  const started = Date.now();
  const keyParam = String(key);
  let delay = 10;
  let nextReport = 0;
  for (;;) {
    const [row] = await engine.query<{ ok: boolean | null } & HolderRow>(pollQuery(key));
    if (row?.ok === null) {
      throw new SessionPoolingError(
        'this server session already holds the migration lock, which this runner has not taken: the connection is shared with another client (a pooler in transaction or statement pool mode, such as PgBouncer with pool_mode = transaction?). Connect to PostgreSQL directly, or through a pool in session mode. Nothing was applied.',
      );
    }
    if (row?.ok) {
      const waitedMs = Date.now() - started;
      if (nextReport > 0) logger.info({ event: 'lock-acquired', waitedMs }, `migration lock acquired after ${waitedMs} ms`);
      return {
        waitedMs,
        release: async () => {
          const [r] = await engine.query<{ released: boolean }>('SELECT pg_catalog.pg_advisory_unlock($1::bigint) AS released', [keyParam]);
          // Only a pooler that moved this connection to another server session gets here.
          if (r?.released === false) {
            logger.warn({ event: 'unlock-missed' }, 'the server session that answered the unlock does not hold the migration lock (a pooler moved this connection?): the lock stays held until the session that took it ends; `pgstrata locks` shows it and `pgstrata locks --release-stale` frees it');
          }
        },
      };
    }
    // The failed poll said who holds the lock (undefined: it let go while we looked).
    const holder = holderOf(row);
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      throw new LockTimeoutError(`could not take the migration lock within ${timeoutMs} ms: it is held by ${describeHolder(holder)}. Wait for that run to finish, or raise --lock-timeout.`);
    }
    if (elapsed >= nextReport) {
      // At warn, the default level: a deploy that waits minutes for another runner must say so.
      logger.warn({ event: 'lock-wait', holder: holder ?? null, waitedMs: elapsed }, `waiting for the migration lock held by ${describeHolder(holder)}${elapsed >= 1000 ? ` (waited ${humanDuration(elapsed)} so far)` : ''}`);
      nextReport = elapsed + reportEvery;
    }
    // Jittered back-off: runners started together do not poll in lock-step.
    await new Promise((r) => setTimeout(r, Math.min(delay * (0.5 + Math.random()), timeoutMs - elapsed)));
    delay = Math.min(delay * 2, 250);
  }
}
