// `pgstrata locks`: who holds pgstrata's advisory lock and who waits for it, and a careful way to
// free it from a runner that died without its connection closing. Runners wait by polling
// pg_try_advisory_lock (lock.ts), so they do not show in pg_locks as waiters; the poll's text
// carries the key, which is how they are found in pg_stat_activity.
import type { Engine } from '../engines/engine.js';
import { LockReleaseRefused, UsageError } from '../util/errors.js';
import { keyHalves, pollQuery } from '../store/lock.js';

export interface LockSession {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  state: string | null;
  query: string | null;
  /** How the session relates to the lock. */
  role: 'holds' | 'polls' | 'blocked';
  /** Milliseconds since the backend connected, since its state last changed, since its query started (server clock). */
  connectedMs: number;
  inStateMs: number | null;
  queryMs: number | null;
}

export interface LockReport {
  key: string;
  holders: LockSession[];
  waiters: LockSession[];
}

interface Row {
  pid: number;
  application_name: string;
  client_addr: string | null;
  state: string | null;
  query: string | null;
  role: LockSession['role'];
  connected_ms: number;
  in_state_ms: number | null;
  query_ms: number | null;
}

const ms = (column: string) => `(extract(epoch from now() - a.${column}) * 1000)::bigint`;

/** Sessions holding, blocked on, or polling for the lock `key` in this database. Read-only. */
export async function lockSessions(engine: Engine, key: bigint): Promise<LockReport> {
  if (!engine.capabilities.advisoryLocks) throw new UsageError(`${engine.kind} has no advisory locks, so there is no migration lock to show`);
  const [classid, objid] = keyHalves(key);
  const rows = await engine.query<Row>(
    `WITH locks AS (
       SELECT l.pid, CASE WHEN l.granted THEN 'holds' ELSE 'blocked' END AS role
         FROM pg_catalog.pg_locks l
        WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
          AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
     ), pollers AS (
       SELECT a.pid, 'polls' AS role FROM pg_catalog.pg_stat_activity a
        WHERE a.datname = current_database() AND a.query = $3 AND a.pid <> pg_catalog.pg_backend_pid()
          AND a.pid NOT IN (SELECT pid FROM locks)
     )
     SELECT a.pid, a.application_name, pg_catalog.host(a.client_addr) AS client_addr, a.state, a.query, s.role,
            ${ms('backend_start')} AS connected_ms, ${ms('state_change')} AS in_state_ms, ${ms('query_start')} AS query_ms
       FROM (SELECT * FROM locks UNION ALL SELECT * FROM pollers) s
       JOIN pg_catalog.pg_stat_activity a ON a.pid = s.pid
      ORDER BY s.role, a.backend_start`,
    [classid, objid, pollQuery(key)],
  );
  const sessions = rows.map(
    (r): LockSession => ({
      pid: r.pid,
      applicationName: r.application_name,
      clientAddr: r.client_addr,
      state: r.state,
      query: r.query,
      role: r.role,
      connectedMs: Number(r.connected_ms),
      inStateMs: r.in_state_ms === null ? null : Number(r.in_state_ms),
      queryMs: r.query_ms === null ? null : Number(r.query_ms),
    }),
  );
  return { key: String(key), holders: sessions.filter((s) => s.role === 'holds'), waiters: sessions.filter((s) => s.role !== 'holds') };
}

export interface Released {
  /** The holder that was terminated (or, in a dry run, would be); undefined when nobody held the lock. */
  terminated?: LockSession;
  dryRun: boolean;
}

/** Why a holder must not be terminated, or undefined when it is a pgstrata backend idle long enough. */
export function refusal(h: LockSession, olderThanMs: number): string | undefined {
  const who = `pid ${h.pid} (application_name ${h.applicationName || '(none)'})`;
  if (h.applicationName !== 'pgstrata') return `${who} is not a pgstrata runner; pgstrata terminates only its own backends. Ask its owner, or end it yourself: SELECT pg_terminate_backend(${h.pid});`;
  if (h.state !== 'idle') return `${who} is ${h.state ?? 'in an unknown state'}${h.query ? ` (${h.query.slice(0, 80)})` : ''}: it is working, not stale. Wait for it to finish.`;
  if (h.inStateMs === null || h.inStateMs < olderThanMs) return `${who} has been idle for ${Math.round((h.inStateMs ?? 0) / 1000)} s, less than --older-than (${Math.round(olderThanMs / 1000)} s): it may be between two steps. Try again later, or lower --older-than.`;
  return undefined;
}

/**
 * What pg_terminate_backend checks, so a dry run can say whether it would be allowed: a superuser
 * may end any backend, others those of roles they belong to, or any non-superuser one as members
 * of pg_signal_backend.
 */
const MAY_TERMINATE = `CASE WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN true
            WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE oid = a.usesysid) THEN false
            ELSE pg_catalog.pg_has_role(a.usesysid, 'MEMBER') OR pg_catalog.pg_has_role('pg_signal_backend', 'MEMBER') END`;

/**
 * Terminates the lock's holder only if it is a pgstrata backend that has been idle for at least
 * `olderThanMs`. The checks are repeated in the statement that terminates it, so a holder that
 * woke up in between is left alone. Throws LockReleaseRefused (exit 5) with the reason. With
 * `dryRun` the same checks run, the last one in a statement that selects instead of terminating.
 */
export async function releaseStale(engine: Engine, key: bigint, olderThanMs: number, options: { dryRun?: boolean } = {}): Promise<Released> {
  const dryRun = Boolean(options.dryRun);
  const report = await lockSessions(engine, key);
  const holder = report.holders[0];
  if (!holder) return { dryRun };
  const why = refusal(holder, olderThanMs);
  if (why) throw new LockReleaseRefused(`not released: ${why}`);
  const [classid, objid] = keyHalves(key);
  const rows = await engine.query<{ terminated: boolean }>(
    `SELECT ${dryRun ? MAY_TERMINATE : 'pg_catalog.pg_terminate_backend(a.pid)'} AS terminated
       FROM pg_catalog.pg_stat_activity a
      WHERE a.pid = $1 AND a.application_name = 'pgstrata' AND a.state = 'idle'
        AND a.state_change <= now() - make_interval(secs => $2::double precision / 1000)
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                      AND l.classid = $3::bigint::oid AND l.objid = $4::bigint::oid)`,
    [holder.pid, olderThanMs, classid, objid],
  );
  if (rows.length === 0) throw new LockReleaseRefused(`not released: pid ${holder.pid} changed while it was being checked (it woke up or let go); run \`pgstrata locks\` again`);
  if (!rows[0]!.terminated) throw new LockReleaseRefused(`not released: the server ${dryRun ? 'would refuse' : 'refused'} to terminate pid ${holder.pid} (terminating another role's backend needs pg_signal_backend or superuser)`);
  return { terminated: holder, dryRun };
}
