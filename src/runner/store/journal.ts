// The version-table statements for a migration that runs outside a transaction (`transaction:
// none`), statement by statement. Before its first statement the revision's row is marked
// running; after each one the count of statements done moves on; the last write marks it applied
// (or, for a down, deletes it). A crash or failure part-way leaves a dirty row that says how far
// it got, which `status` shows and `up` refuses to pass. Part of the store: identifiers quoted,
// values as parameters.
import type { Statement, Store, VersionRecord } from './store.js';

/** How a finished run's duration is measured: by the server from the row, or by the client. */
export type Duration = { serverSince: 'started_at' } | { ms: number };

export const SERVER_DURATION: Duration = { serverSince: 'started_at' };

function durationSql(d: Duration, params: unknown[]): string {
  if ('ms' in d) {
    params.push(d.ms);
    return `$${params.length}`;
  }
  // Works in psql too, so an offline script records a duration the same way.
  return `(extract(epoch from clock_timestamp() - ${d.serverSince}) * 1000)::integer`;
}

export interface Failure {
  statementsDone: number;
  statement: string;
  location: string;
  error: string;
  /** Time spent on the revision so far, earlier runs included: a resumed run adds to it. */
  durationMs: number;
}

export class Journal {
  constructor(private readonly store: Store) {}

  private get t(): string {
    return this.store.qualified;
  }

  /** A fresh up: the row, in state running, before the first statement. A duplicate fails loudly. */
  insertRunning(r: VersionRecord, total: number): Statement {
    return {
      text: `INSERT INTO ${this.t} (revision, down_revision, message, checksum, down_checksum, up_sql, down_sql, pgstrata_version, state, direction, statements_done, statements_total, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', 'up', 0, $9, now())`,
      params: [r.revision, r.parents, r.message, r.checksum, r.downChecksum, r.upSql, r.downSql, r.version, total],
    };
  }

  /**
   * A resumed up, or a down (fresh or resumed): the existing row marked running. The SQL being
   * run is stored in the row, so a later --resume can tell whether the file changed under it.
   * While dirty, duration_ms holds the time the earlier runs took; a fresh down starts from none
   * (the row's duration_ms was its up's).
   */
  markRunning(direction: 'up' | 'down', revision: string, done: number, total: number, sql: string, checksum: string, fresh = false): Statement {
    const [sqlColumn, checksumColumn] = direction === 'up' ? ['up_sql', 'checksum'] : ['down_sql', 'down_checksum'];
    return {
      text: `UPDATE ${this.t} SET state = 'running', direction = $2, statements_done = $3, statements_total = $4, ${sqlColumn} = $5, ${checksumColumn} = $6, started_at = now(), failed_statement = NULL, failed_location = NULL, error = NULL${fresh ? ', duration_ms = NULL' : ''} WHERE revision = $1`,
      params: [revision, direction, done, total, sql, checksum],
    };
  }

  progress(revision: string, done: number): Statement {
    return { text: `UPDATE ${this.t} SET statements_done = $2 WHERE revision = $1`, params: [revision, done] };
  }

  markFailed(revision: string, f: Failure): Statement {
    return {
      text: `UPDATE ${this.t} SET state = 'failed', statements_done = $2, failed_statement = $3, failed_location = $4, error = $5, duration_ms = $6 WHERE revision = $1`,
      params: [revision, f.statementsDone, f.statement, f.location, f.error, f.durationMs],
    };
  }

  /**
   * The last write of an up: applied, timed, logged. Sent as one round trip. `carriedMs`, the
   * time earlier runs of a resumed up took, is added to the row's duration; the log row, like the
   * one each earlier run wrote, has this run's.
   */
  finishUp(revision: string, duration: Duration, carriedMs = 0): Statement[] {
    const params: unknown[] = [revision];
    const d = durationSql(duration, params);
    const carried = carriedMs > 0 ? (params.push(carriedMs), `$${params.length}`) : undefined;
    return [
      {
        text: `UPDATE ${this.t} SET state = 'applied', statements_done = statements_total, duration_ms = ${carried ? `${d} + ${carried}` : d}, failed_statement = NULL, failed_location = NULL, error = NULL WHERE revision = $1`,
        params,
      },
      {
        text: `INSERT INTO ${this.store.logQualified} (event, revision, duration_ms) SELECT 'up', revision, duration_ms${carried ? ' - $2' : ''} FROM ${this.t} WHERE revision = $1`,
        params: carried ? [revision, carriedMs] : [revision],
      },
    ];
  }

  /** The last write of a down: logged with its duration, then the row removed. */
  finishDown(revision: string, duration: Duration): Statement[] {
    const params: unknown[] = [revision];
    const d = durationSql(duration, params);
    return [
      { text: `INSERT INTO ${this.store.logQualified} (event, revision, duration_ms) SELECT 'down', revision, ${d} FROM ${this.t} WHERE revision = $1`, params },
      this.store.removeRow(revision),
    ];
  }

  /** `resolve --applied` after an up: the user finished it by hand; the row records the files as they are. */
  resolveApplied(r: VersionRecord): Statement[] {
    return [
      {
        text: `UPDATE ${this.t} SET state = 'applied', direction = 'up', down_revision = $2, message = $3, checksum = $4, down_checksum = $5, up_sql = $6, down_sql = $7, pgstrata_version = $8, failed_statement = NULL, failed_location = NULL, error = NULL WHERE revision = $1`,
        params: [r.revision, r.parents, r.message, r.checksum, r.downChecksum, r.upSql, r.downSql, r.version],
      },
      this.store.logEvent('resolve-applied', r.revision, null),
    ];
  }

  /** `resolve --rolled-back` after an up: the user undid what ran; the revision is not in the database. */
  resolveRolledBack(revision: string): Statement[] {
    return [this.store.removeRow(revision), this.store.logEvent('resolve-rolled-back', revision, null)];
  }

  /** `resolve --applied` after a down: the user finished the down by hand; the revision is gone. */
  resolveDownFinished(revision: string): Statement[] {
    return [this.store.removeRow(revision), this.store.logEvent('resolve-applied', revision, null)];
  }

  /**
   * `resolve --rolled-back` after a down: the user put back what the down had removed; the
   * revision is applied as before. The statement counts described the down, so they go.
   */
  resolveDownUndone(revision: string): Statement[] {
    return [
      {
        text: `UPDATE ${this.t} SET state = 'applied', direction = 'up', statements_done = NULL, statements_total = NULL, failed_statement = NULL, failed_location = NULL, error = NULL WHERE revision = $1`,
        params: [revision],
      },
      this.store.logEvent('resolve-rolled-back', revision, null),
    ];
  }
}
