// The run record in a PostgreSQL database (--fleet-state URL), shared by every pgstrata process
// working the run, on one machine or many. PostgreSQL is the coordinator: a worker claims the next
// target in one short statement, `UPDATE … WHERE key = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)`,
// so two workers never claim the same row. A claim names the claimant's backend on this database
// (pid and backend start) and carries a heartbeat, so a claim by a dead process is free again:
// at once when its connection is gone (kill -9 closes it; the server ends the backend), or once
// its heartbeat is older than STALE_AFTER_S (a machine that vanished without closing it).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Engine } from '../runner/engines/engine.js';
import type { Logger } from '../runner/util/logger.js';
import type { Next } from './schedule.js';
import type { Outcome, TargetEntry, TargetState } from './report.js';
import { notFound, type OpenRun, type RunMeta, type RunRecord } from './record.js';

export const STALE_AFTER_S = 60;
const HEARTBEAT_MS = 10_000;

const RUNS = 'public.pgstrata_fleet_run';
const TARGETS = 'public.pgstrata_fleet_target';

/** Under a transaction-level advisory lock: two processes creating the tables at once would collide. */
const DDL = `BEGIN;
SELECT pg_catalog.pg_advisory_xact_lock(7311950824651030201);
CREATE TABLE IF NOT EXISTS ${RUNS} (
  id text PRIMARY KEY,
  meta jsonb NOT NULL,
  stopped boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${TARGETS} (
  run_id text NOT NULL REFERENCES ${RUNS} (id) ON DELETE CASCADE,
  name text NOT NULL,
  position integer NOT NULL,
  url text NOT NULL,
  schema text,
  state text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  claimed_by text,
  claimed_pid integer,
  claimed_backend_start timestamptz,
  heartbeat_at timestamptz,
  outcome jsonb,
  finished_at timestamptz,
  PRIMARY KEY (run_id, name)
);
COMMIT;`;

/** A claim is free when nobody holds it, or its holder's backend is gone, or its heartbeat is stale. */
const CLAIMABLE = `(c.state = 'pending' OR (c.state = 'running' AND (
    c.heartbeat_at < now() - make_interval(secs => $3)
    OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = c.claimed_pid AND a.backend_start = c.claimed_backend_start))))`;

interface Row {
  name: string;
  url: string;
  schema: string | null;
  state: TargetState;
  attempts: number;
  claimed_by: string | null;
  outcome: Outcome | null;
}

export class PgRecord implements RunRecord {
  private readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly id: string, private readonly connection: Engine, private readonly logger: Logger) {}

  /** The workers of this process share one connection: their statements go one after another. */
  private readonly engine = {
    query: <T>(sql: string, params?: unknown[]): Promise<T[]> => this.serial(() => this.connection.query<T>(sql, params)),
    exec: (script: string): Promise<void> => this.serial(() => this.connection.exec(script)),
  };

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  get where(): string {
    return `${this.connection.description} (${TARGETS})`;
  }

  private async ensure(): Promise<void> {
    await this.engine.exec(DDL);
  }

  /** The stored meta of an existing run, or a usage error. */
  async readMeta(): Promise<RunMeta> {
    await this.ensure();
    const rows = await this.engine.query<{ meta: RunMeta }>(`SELECT meta FROM ${RUNS} WHERE id = $1`, [this.id]);
    if (rows.length === 0) throw notFound(this.id, this.where);
    return rows[0]!.meta;
  }

  async open(run: OpenRun): Promise<RunMeta> {
    await this.ensure();
    await this.engine.query(`INSERT INTO ${RUNS} (id, meta) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [this.id, JSON.stringify(run.meta)]);
    // Positions keep the file's order; a target another process added first keeps its own.
    await this.engine.query(
      `INSERT INTO ${TARGETS} (run_id, name, position, url, schema)
       SELECT $1, t.name, t.ord::integer, t.url, t.schema FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(name, url, schema, ord)
       ON CONFLICT (run_id, name) DO NOTHING`,
      [this.id, run.targets.map((t) => t.name), run.targets.map((t) => t.url), run.targets.map((t) => t.schema ?? null)],
    );
    if (run.retry) {
      await this.engine.query(`UPDATE ${RUNS} SET stopped = false WHERE id = $1`, [this.id]);
      await this.engine.query(`UPDATE ${TARGETS} SET state = 'pending' WHERE run_id = $1 AND state IN ('failed', 'unreachable')`, [this.id]);
    }
    this.heartbeat = setInterval(() => {
      this.engine
        .query(`UPDATE ${TARGETS} SET heartbeat_at = now() WHERE run_id = $1 AND claimed_by = $2 AND state = 'running'`, [this.id, this.worker])
        .catch((e: Error) => this.logger.warn({ event: 'fleet-heartbeat-failed', error: e.message }, `fleet run ${this.id}: heartbeat failed: ${e.message}`));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    return (await this.engine.query<{ meta: RunMeta }>(`SELECT meta FROM ${RUNS} WHERE id = $1`, [this.id]))[0]!.meta;
  }

  async claim(names: readonly string[]): Promise<Next<string>> {
    const claimed = await this.engine.query<{ name: string }>(
      `UPDATE ${TARGETS} t SET state = 'running', attempts = t.attempts + 1, claimed_by = $4, heartbeat_at = now(), outcome = NULL, finished_at = NULL,
         claimed_pid = pg_catalog.pg_backend_pid(),
         claimed_backend_start = (SELECT backend_start FROM pg_catalog.pg_stat_activity WHERE pid = pg_catalog.pg_backend_pid())
       WHERE (t.run_id, t.name) = (
         SELECT c.run_id, c.name FROM ${TARGETS} c
         WHERE c.run_id = $1 AND c.name = ANY($2::text[]) AND ${CLAIMABLE}
           AND NOT (SELECT r.stopped FROM ${RUNS} r WHERE r.id = $1)
         ORDER BY c.position LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING t.name`,
      [this.id, names, STALE_AFTER_S, this.worker],
    );
    if (claimed.length > 0) return { item: claimed[0]!.name };
    // Nothing free now: wait while a live worker elsewhere still holds one (it may die, and then
    // its target is ours to finish), unless the run stopped.
    const busy = await this.engine.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${TARGETS} c WHERE c.run_id = $1 AND c.name = ANY($2::text[]) AND c.state = 'running'
         AND NOT (SELECT r.stopped FROM ${RUNS} r WHERE r.id = $1)`,
      [this.id, names],
    );
    return Number(busy[0]!.n) > 0 ? { wait: true } : { done: true };
  }

  async finish(name: string, outcome: Outcome): Promise<boolean> {
    const rows = await this.engine.query(
      `UPDATE ${TARGETS} SET state = $3, outcome = $4, finished_at = now() WHERE run_id = $1 AND name = $2 AND claimed_by = $5 RETURNING name`,
      [this.id, name, outcome.state, JSON.stringify(outcome), this.worker],
    );
    return rows.length > 0;
  }

  async stop(): Promise<void> {
    await this.engine.query(`UPDATE ${RUNS} SET stopped = true WHERE id = $1`, [this.id]);
  }

  async entries(): Promise<TargetEntry[]> {
    const rows = await this.engine.query<Row>(`SELECT name, url, schema, state, attempts, claimed_by, outcome FROM ${TARGETS} WHERE run_id = $1 ORDER BY position, name`, [this.id]);
    return rows.map((r) => ({
      name: r.name,
      url: r.url,
      ...(r.schema ? { schema: r.schema } : {}),
      state: r.state,
      attempts: r.attempts,
      ...(r.claimed_by ? { claimedBy: r.claimed_by } : {}),
      ...(r.outcome ? { outcome: r.outcome } : {}),
    }));
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.queue;
    await this.connection.close().catch(() => {});
  }
}
