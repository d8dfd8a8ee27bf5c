// The version table and its append-only event log. All of pgstrata's bookkeeping SQL lives here;
// identifiers are quoted, values are parameters (inlined as literals only where a migration's
// bookkeeping must travel in the same round trip as its SQL).
import type { Engine } from './engines/engine.js';
import { checkIdentifier, inlineParams, quoteIdent, quoteLiteral } from './sqlstring.js';

export interface StoreOptions {
  schema: string;
  table: string;
}

export interface AppliedRow {
  revision: string;
  parents: string[];
  message: string;
  checksum: string;
  appliedAt: Date;
  appliedBy: string;
  durationMs: number | null;
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

export type LogEvent = 'up' | 'down' | 'stamp' | 'unstamp';

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
  return code === '42P01' || code === '3F000' || (code === undefined && /does not exist/.test((e as Error).message));
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

  /** Creates the schema and both tables if missing; safe to repeat. Call under the lock. */
  async ensure(): Promise<void> {
    const schema = this.schema === 'public' ? '' : `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)};\n`;
    await this.engine.exec(`${schema}CREATE TABLE IF NOT EXISTS ${this.qualified} (
  revision text PRIMARY KEY,
  down_revision text[] NOT NULL DEFAULT '{}',
  message text NOT NULL DEFAULT '',
  checksum text NOT NULL,
  down_checksum text,
  up_sql text NOT NULL,
  down_sql text,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT current_user,
  duration_ms integer,
  pgstrata_version text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${this.logQualified} (
  id bigserial PRIMARY KEY,
  event text NOT NULL CHECK (event IN ('up', 'down', 'stamp', 'unstamp')),
  revision text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  by text NOT NULL DEFAULT current_user,
  duration_ms integer,
  error text
);`);
  }

  /**
   * The applied revisions, oldest first, without the stored SQL (read only when a down needs it).
   * Returns undefined when the version table does not exist yet.
   */
  async readApplied(): Promise<AppliedRow[] | undefined> {
    type Row = { revision: string; down_revision: string[]; message: string; checksum: string; applied_at: Date | string; applied_by: string; duration_ms: number | null };
    let rows: Row[];
    try {
      // One round trip in the common case; a missing table is the rare one.
      rows = await this.engine.query<Row>(`SELECT revision, down_revision, message, checksum, applied_at, applied_by, duration_ms FROM ${this.qualified} ORDER BY applied_at, revision`);
    } catch (e) {
      if (isMissingRelation(e)) return undefined;
      throw e;
    }
    return rows.map((r) => ({
      revision: r.revision,
      parents: r.down_revision ?? [],
      message: r.message,
      checksum: r.checksum,
      appliedAt: r.applied_at instanceof Date ? r.applied_at : new Date(r.applied_at),
      appliedBy: r.applied_by,
      durationMs: r.duration_ms,
    }));
  }

  /** The down SQL stored when a revision was applied: what undoes it once its file is gone. */
  async storedDown(revision: string): Promise<string | null | undefined> {
    const rows = await this.engine.query<{ down_sql: string | null }>(`SELECT down_sql FROM ${this.qualified} WHERE revision = $1`, [revision]);
    return rows[0]?.down_sql;
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
    return [{ text: `DELETE FROM ${this.qualified} WHERE revision = $1`, params: [revision] }, this.logEvent(event, revision, timing.durationMs)];
  }

  logEvent(event: LogEvent, revision: string, durationMs: number | null, error: string | null = null): Statement {
    return { text: `INSERT INTO ${this.logQualified} (event, revision, duration_ms, error) VALUES ($1, $2, $3, $4)`, params: [event, revision, durationMs, error] };
  }

  async run(statement: Statement): Promise<void> {
    await this.engine.query(statement.text, statement.params);
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
