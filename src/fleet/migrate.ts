// One target, through the runner library as `pgstrata up --url` would run it: its own
// connection, its own advisory lock (keyed by its version table, so tenants of one database do
// not wait for each other), and with a schema, that schema first on the search_path and the
// version table in it. Every failure becomes an outcome; nothing here throws for one target.
import type { Engine } from '../runner/engines/engine.js';
import { openEngine } from '../runner/engines/open.js';
import { Runner } from '../runner/commands/runner.js';
import { status } from '../runner/commands/status.js';
import type { History } from '../runner/graph/history.js';
import { ConnectError, MigrationError, isPgstrataError } from '../runner/util/errors.js';
import type { Logger } from '../runner/util/logger.js';
import { redactForeign } from '../runner/util/redact.js';
import { quoteIdent } from '../runner/util/sqlstring.js';
import type { Outcome, TargetError } from './report.js';
import type { Target } from './targets.js';

export interface TargetOptions {
  dir: string;
  /** Schema of the version table for targets that name none. */
  schema: string;
  table: string;
  lockTimeoutMs: number;
  allowDrift: boolean;
  logger: Logger;
}

/** The connection, with the tenant's schema first on the search_path for the whole session. */
async function open(target: Target, options: TargetOptions): Promise<Engine> {
  const engine = await openEngine(target.url, { lockTimeoutMs: options.lockTimeoutMs });
  if (target.schema) {
    // Session-level, so every migration's transaction resolves unqualified names in the tenant's
    // schema; the runner creates the schema (with the version table) before the first one runs,
    // and PostgreSQL re-resolves the search_path when a schema appears.
    await engine.query('SELECT pg_catalog.set_config($1, $2, false)', ['search_path', `${quoteIdent(target.schema)}, public`]).catch(async (e: unknown) => {
      await engine.close().catch(() => {});
      throw e;
    });
  }
  return engine;
}

function runnerFor(engine: Engine, target: Target, options: TargetOptions): Runner {
  return new Runner(engine, { dir: options.dir, schema: target.schema ?? options.schema, table: options.table, lockTimeoutMs: options.lockTimeoutMs, allowDrift: options.allowDrift, logger: options.logger });
}

export function errorOf(e: unknown): TargetError {
  if (e instanceof MigrationError) {
    const { file, line, column } = e.location;
    const location = [file, line, line !== undefined ? column : undefined].filter((x) => x !== undefined).join(':');
    return { code: e.code, message: redactForeign(e.db.message), location, revision: e.revision, ...(e.db.sqlstate ? { sqlstate: e.db.sqlstate } : {}) };
  }
  if (isPgstrataError(e)) return { code: e.code, message: redactForeign(e.message) };
  const code = (e as NodeJS.ErrnoException).code;
  return { code: typeof code === 'string' ? code : 'internal', message: redactForeign(e instanceof Error ? e.message : String(e)) };
}

function unreachable(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return e instanceof ConnectError || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH';
}

/** Applies every pending revision (all heads) to one target. */
export async function migrateTarget(target: Target, options: TargetOptions): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let engine: Engine;
  try {
    engine = await open(target, options);
  } catch (e) {
    return { state: unreachable(e) ? 'unreachable' : 'failed', applied: [], error: errorOf(e), durationMs: ms() };
  }
  try {
    const result = await runnerFor(engine, target, options).up('heads');
    const applied = result.steps.map((s) => s.revision);
    return { state: applied.length > 0 ? 'migrated' : 'at-head', applied, durationMs: ms() };
  } catch (e) {
    return { state: 'failed', applied: [], error: errorOf(e), durationMs: ms() };
  } finally {
    await engine.close().catch(() => {});
  }
}

export interface TargetStatus {
  name: string;
  url: string;
  schema?: string;
  reachable: boolean;
  /** Applied revisions with no applied child; empty at base. */
  current: string[];
  pending: number;
  /** Applied revisions whose file changed or vanished. */
  drift: number;
  /** Revisions stopped part-way outside a transaction. */
  dirty: number;
  error?: TargetError;
}

/** Where one target stands; reads only (no lock, no version table created). */
export async function targetStatus(target: Target, shownUrl: string, history: History, options: TargetOptions): Promise<TargetStatus> {
  const base = { name: target.name, url: shownUrl, ...(target.schema ? { schema: target.schema } : {}) };
  let engine: Engine;
  try {
    engine = await open(target, options);
  } catch (e) {
    return { ...base, reachable: false, current: [], pending: 0, drift: 0, dirty: 0, error: errorOf(e) };
  }
  try {
    const report = await status(runnerFor(engine, target, options), history);
    return { ...base, reachable: true, current: report.current, pending: report.pending.length, drift: report.drift.length, dirty: report.dirty.length };
  } catch (e) {
    return { ...base, reachable: !unreachable(e), current: [], pending: 0, drift: 0, dirty: 0, error: errorOf(e) };
  } finally {
    await engine.close().catch(() => {});
  }
}
