// The version table and its append-only event log. All of pgstrata's bookkeeping SQL lives here;
// identifiers are quoted, values are parameters (inlined as literals only where a migration's
// bookkeeping must travel in the same round trip as its SQL).
import type { Engine } from '../engines/engine.js';
import { checkIdentifier, inlineParams, quoteIdent, quoteLiteral } from '../util/sqlstring.js';
import { ensureSql, JOURNAL_COLUMNS, type LOG_EVENTS } from './storeddl.js';

export interface StoreOptions {
  schema: string;
  table: string;
}

/** applied, or dirty: a migration outside a transaction is running, or stopped part-way. */
export type RowState = 'applied' | 'running' | 'failed';

/** How far a migration that runs outside a transaction got (the journal columns). */
export interface PartialRun {
  /** The direction of the run that left this state. */
  direction: 'up' | 'down';
  statementsDone: number;
  statementsTotal: number | null;
  startedAt: Date | null;
  failedStatement: string | null;
  /** `file:line:column` of the failed statement. */
  failedLocation: string | null;
  /** `SQLSTATE: message`. */
  error: string | null;
}

/** What planning and drift need of a version row. */
export interface AppliedMark {
  revision: string;
  checksum: string;
  state: RowState;
}

/** A whole version row, as status and history show it. */
export interface AppliedRow extends AppliedMark {
  parents: string[];
  message: string;
  appliedAt: Date;
  appliedBy: string;
  durationMs: number | null;
  /** Set for dirty rows (state running or failed). */
  partial?: PartialRun;
}

interface RawRow {
  revision: string;
  down_revision: string[];
  message: string;
  checksum: string;
  applied_at: Date | string;
  applied_by: string;
  duration_ms: number | null;
  state: RowState;
  direction: 'up' | 'down';
  statements_done: number | null;
  statements_total: number | null;
  started_at: Date | string | null;
  failed_statement: string | null;
  failed_location: string | null;
  error: string | null;
}

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toAppliedRow(r: RawRow): AppliedRow {
  const row: AppliedRow = {
    revision: r.revision,
    parents: r.down_revision ?? [],
    message: r.message,
    checksum: r.checksum,
    appliedAt: toDate(r.applied_at),
    appliedBy: r.applied_by,
    durationMs: r.duration_ms,
    state: r.state,
  };
  if (r.state === 'applied') return row;
  return {
    ...row,
    partial: {
      direction: r.direction,
      statementsDone: r.statements_done ?? 0,
      statementsTotal: r.statements_total,
      startedAt: r.started_at === null ? null : toDate(r.started_at),
      failedStatement: r.failed_statement,
      failedLocation: r.failed_location,
      error: r.error,
    },
  };
}

/** Rows split into the applied set that planning uses, and dirty rows that stop it. */
export function splitRows<T extends AppliedMark>(rows: T[]): { applied: T[]; dirty: T[] } {
  return { applied: rows.filter((r) => r.state === 'applied'), dirty: rows.filter((r) => r.state !== 'applied') };
}

export interface VersionRecord {
  revision: string;
  parents: string[];
  message: string;
  checksum: string;
  downChecksum: string | null;
  upSql: string;
  downSql: string | null;
  version: string;
}

export type LogEvent = (typeof LOG_EVENTS)[number];

/** A statement with its parameters, to run alone or inline into a script. */
export interface Statement {
  text: string;
  params: unknown[];
}

/**
 * How bookkeeping is sent: `client` as separate statements with a duration measured here;
 * `inline` inside the migration's one-round-trip script (see apply.ts).
 */
export type Timing = { kind: 'client'; durationMs: number | null } | { kind: 'inline'; guard: string };

/** SQL for the duration of the current transaction so far, measured by the server. */
export const SERVER_ELAPSED_MS = '(extract(epoch from clock_timestamp() - transaction_timestamp()) * 1000)::integer';

/** undefined_table / invalid_schema_name, or pg-mem's message (it sets no SQLSTATE). */
function isMissingRelation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '42P01' || code === '3F000' || (code === undefined && /(relation|schema) "[^"]*" does not exist/.test((e as Error).message));
}

/** undefined_column: a version table from before the journal columns. */
function isMissingColumn(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '42703' || (code === undefined && /column "[^"]*" does not exist/.test((e as Error).message));
}

export class Store {
  readonly schema: string;
  readonly table: string;
  readonly qualified: string;
  readonly logQualified: string;

  constructor(private readonly engine: Engine, options: StoreOptions) {
    this.schema = checkIdentifier('schema', options.schema);
    // the log table is named `<table>_log`, which must fit in 63 bytes too
    this.table = checkIdentifier('table', options.table, 59);
    this.qualified = `${quoteIdent(this.schema)}.${quoteIdent(this.table)}`;
    this.logQualified = `${quoteIdent(this.schema)}.${quoteIdent(`${this.table}_log`)}`;
  }

  /** Display name, e.g. public.pgstrata_version. */
  get name(): string {
    return `${this.schema}.${this.table}`;
  }

  /** Creates the schema and both tables if missing, or upgrades them; safe to repeat. Call under the lock. */
  async ensure(): Promise<void> {
    const shape = await this.shape();
    if (shape && JOURNAL_COLUMNS.every((c) => shape.has(c))) return;
    await this.engine.exec(this.ensureSql(this.engine.kind !== 'pg-mem'));
  }

  /** The idempotent DDL behind ensure(), also printed at the top of an offline script. */
  ensureSql(plpgsql = true): string {
    const names = { table: this.qualified, log: this.logQualified, ...(this.schema === 'public' ? {} : { schema: quoteIdent(this.schema) }) };
    return ensureSql(names, { plpgsql });
  }

  /**
   * Every row of the version table, oldest first, without the stored SQL (read only when a down
   * needs it): applied revisions and dirty ones (state running or failed). Copes with a table
   * from before the journal columns. Returns undefined when the version table does not exist yet;
   * with `ensure` (commands that write) creates or upgrades the tables instead and reads again.
   */
  async readApplied(options: { ensure?: boolean } = {}): Promise<AppliedRow[] | undefined> {
    const rows = await this.select<RawRow>(['revision', 'down_revision', 'message', 'checksum', 'applied_at', 'applied_by', 'duration_ms', 'state', 'direction', ...JOURNAL_COLUMNS.slice(2)], options);
    return rows?.map(toAppliedRow);
  }

  /**
   * Like readApplied, but only the three columns planning and drift detection need. Decoding is
   * per column, so at 10,000 rows this takes a fraction of the time of whole rows: most of a
   * no-op `up`'s database time. The parents (a text[] that node-postgres parses character by
   * character) are left out: planning takes them from the files, and needs the recorded ones only
   * for revisions whose file is gone.
   */
  async readMarks(options: { ensure?: boolean } = {}): Promise<AppliedMark[] | undefined> {
    return this.select<AppliedMark>(['revision', 'checksum', 'state'], options);
  }

  /** Reads `columns` of every row, oldest first, filling columns an older table lacks with defaults. */
  private async select<T>(columns: string[], options: { ensure?: boolean }): Promise<T[] | undefined> {
    const query = (list: string) => this.engine.query<T>(`SELECT ${list} FROM ${this.qualified} ORDER BY applied_at, revision`);
    try {
      // One round trip in the common case: a missing table, or one from before the journal
      // columns, is the rare one.
      return await query(columns.join(', '));
    } catch (e) {
      if (!isMissingRelation(e) && !isMissingColumn(e)) throw e;
      // A command that writes creates the tables, or upgrades an older shape, and reads again.
      if (options.ensure) {
        await this.ensure();
        return this.select(columns, {});
      }
      if (isMissingRelation(e)) return undefined;
    }
    const shape = await this.shape();
    if (!shape) return undefined;
    const fallback: Record<string, string> = { state: "'applied'", direction: "'up'" };
    return query(columns.map((c) => (shape.has(c) ? c : `${fallback[c] ?? 'NULL'} AS ${c}`)).join(', '));
  }

  /** The version table's column names, or undefined when it does not exist. Read-only. */
  async shape(): Promise<Set<string> | undefined> {
    // information_schema rather than pg_class: pg-mem answers it too.
    const rows = await this.engine.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.schema, this.table],
    );
    return rows.length === 0 ? undefined : new Set(rows.map((r) => r.column_name));
  }

  /** The down SQL stored when a revision was applied: what undoes it once its file is gone. */
  async storedDown(revision: string): Promise<string | null | undefined> {
    const rows = await this.engine.query<{ down_sql: string | null }>(`SELECT down_sql FROM ${this.qualified} WHERE revision = $1`, [revision]);
    return rows[0]?.down_sql;
  }

  /** The up or down SQL recorded in a revision's row: for a dirty row, what its interrupted run was running. */
  async storedSql(revision: string, direction: 'up' | 'down'): Promise<string | null> {
    const rows = await this.engine.query<{ sql: string | null }>(`SELECT ${direction === 'up' ? 'up_sql' : 'down_sql'} AS sql FROM ${this.qualified} WHERE revision = $1`, [revision]);
    return rows[0]?.sql ?? null;
  }

  /**
   * Records an applied (or stamped) revision and its log row. With `inline`, both travel as one
   * statement inside the migration's own script: the server measures the duration, and `guard`
   * (an SQL expression yielding the revision, or raising) stands in for the revision value.
   */
  recordUp(r: VersionRecord, timing: Timing, event: 'up' | 'stamp' = 'up'): Statement[] {
    const cols = 'revision, down_revision, message, checksum, down_checksum, up_sql, down_sql, pgstrata_version, duration_ms';
    const params = [r.revision, r.parents, r.message, r.checksum, r.downChecksum, r.upSql, r.downSql, r.version];
    if (timing.kind === 'inline') {
      return [
        {
          text: `WITH recorded AS (INSERT INTO ${this.qualified} (${cols}) VALUES (${timing.guard}, $2, $3, $4, $5, $6, $7, $8, ${SERVER_ELAPSED_MS}) RETURNING revision, duration_ms)\nINSERT INTO ${this.logQualified} (event, revision, duration_ms) SELECT $9, revision, duration_ms FROM recorded`,
          params: [...params, event],
        },
      ];
    }
    return [
      { text: `INSERT INTO ${this.qualified} (${cols}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, params: [...params, timing.durationMs] },
      this.logEvent(event, r.revision, timing.durationMs),
    ];
  }

  /** Removes a reverted (or unstamped) revision and logs it; `inline` as for recordUp. */
  recordDown(revision: string, timing: Timing, event: 'down' | 'unstamp' = 'down'): Statement[] {
    if (timing.kind === 'inline') {
      return [
        {
          // A data-modifying WITH runs whether or not the outer statement reads it.
          text: `WITH removed AS (DELETE FROM ${this.qualified} WHERE revision = $1)\nINSERT INTO ${this.logQualified} (event, revision, duration_ms) VALUES ($2, ${timing.guard}, ${SERVER_ELAPSED_MS})`,
          params: [revision, event],
        },
      ];
    }
    return [this.removeRow(revision), this.logEvent(event, revision, timing.durationMs)];
  }

  /** Deletes a revision's row, with no log row (callers log what it means). */
  removeRow(revision: string): Statement {
    return { text: `DELETE FROM ${this.qualified} WHERE revision = $1`, params: [revision] };
  }

  logEvent(event: LogEvent, revision: string, durationMs: number | null, error: string | null = null): Statement {
    return { text: `INSERT INTO ${this.logQualified} (event, revision, duration_ms, error) VALUES ($1, $2, $3, $4)`, params: [event, revision, durationMs, error] };
  }

  async run(statement: Statement): Promise<void> {
    await this.engine.query(statement.text, statement.params);
  }

  /**
   * Runs statements so that they commit together: one transaction in one round trip where the
   * engine has transactions, one by one on pg-mem (which has none to offer).
   */
  async runTogether(statements: Statement[]): Promise<void> {
    if (!this.engine.capabilities.transactionalDdl) {
      for (const s of statements) await this.run(s);
      return;
    }
    try {
      await this.engine.exec(`BEGIN;\n${Store.inline(statements)}\nCOMMIT;`);
    } catch (e) {
      // An error inside the explicit BEGIN leaves the session in an aborted transaction.
      await this.engine.exec('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  /** Statements inlined for a one-round-trip script. */
  static inline(statements: Statement[]): string {
    return statements.map((s) => `${inlineParams(s.text, s.params)};`).join('\n');
  }

  /** A literal for inlining a value that is not a parameter of a Statement. */
  static literal(value: string): string {
    return quoteLiteral(value);
  }
}
