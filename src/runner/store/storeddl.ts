// The version table's and event log's DDL, in one place: the runner runs it under the lock, and
// `up --sql` prints the same text at the top of an offline script. Every statement is idempotent,
// and a table created by an earlier pgstrata (without the journal columns) is upgraded in place.
import { quoteLiteral } from '../util/sqlstring.js';

/** Events the log accepts. Adding one here upgrades the log's check constraint on next ensure. */
export const LOG_EVENTS = ['up', 'down', 'stamp', 'unstamp', 'resolve-applied', 'resolve-rolled-back'] as const;

/** Columns added after the first release; a table lacking any of them is upgraded. */
export const JOURNAL_COLUMNS = ['state', 'direction', 'statements_done', 'statements_total', 'started_at', 'failed_statement', 'failed_location', 'error'];

const EVENT_CHECK = 'pgstrata_log_event_check';

export interface DdlNames {
  /** Quoted schema name; undefined for public, which always exists. */
  schema?: string;
  /** Quoted, schema-qualified version table and log. */
  table: string;
  log: string;
}

/**
 * The DDL that creates or upgrades both tables. `plpgsql: false` leaves out the DO block that
 * upgrades an old log's check constraint; only pg-mem needs that (it has no PL/pgSQL, and its
 * databases never outlive the process, so they never hold a table from an older pgstrata).
 */
export function ensureSql(names: DdlNames, options: { plpgsql: boolean }): string {
  const events = LOG_EVENTS.map((e) => `'${e}'`).join(', ');
  const parts = [
    names.schema ? `CREATE SCHEMA IF NOT EXISTS ${names.schema};` : '',
    `CREATE TABLE IF NOT EXISTS ${names.table} (
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
);`,
    // The journal of a migration that runs outside a transaction (transaction: none): a row in
    // state running/failed marks a revision that stopped part-way, with how far it got.
    `ALTER TABLE ${names.table}
  ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'running', 'failed')),
  ADD COLUMN IF NOT EXISTS direction text NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down')),
  ADD COLUMN IF NOT EXISTS statements_done integer,
  ADD COLUMN IF NOT EXISTS statements_total integer,
  ADD COLUMN IF NOT EXISTS started_at timestamptz,
  ADD COLUMN IF NOT EXISTS failed_statement text,
  ADD COLUMN IF NOT EXISTS failed_location text,
  ADD COLUMN IF NOT EXISTS error text;`,
    `CREATE TABLE IF NOT EXISTS ${names.log} (
  id bigserial PRIMARY KEY,
  event text NOT NULL CONSTRAINT ${EVENT_CHECK} CHECK (event IN (${events})),
  revision text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  by text NOT NULL DEFAULT current_user,
  duration_ms integer,
  error text
);`,
    options.plpgsql ? upgradeEventCheck(names.log, events) : '',
  ];
  return parts.filter(Boolean).join('\n');
}

/**
 * A log created by an earlier pgstrata has an unnamed check listing fewer events. Its name is
 * PostgreSQL's choice (truncated for long table names), so it is found in the catalog.
 */
function upgradeEventCheck(log: string, events: string): string {
  const logLiteral = quoteLiteral(log);
  const complete = LOG_EVENTS.map((e) => `pg_catalog.pg_get_constraintdef(oid) LIKE ${quoteLiteral(`%'${e}'%`)}`).join(' AND ');
  return `DO $pgstrata$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_catalog.pg_constraint
            WHERE conrelid = ${logLiteral}::regclass AND contype = 'c'
              AND pg_catalog.pg_get_constraintdef(oid) LIKE '%event%'
              AND (conname <> '${EVENT_CHECK}' OR NOT (${complete}))
  LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', ${logLiteral}, c.conname);
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = ${logLiteral}::regclass AND conname = '${EVENT_CHECK}') THEN
    EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT ${EVENT_CHECK} CHECK (event IN (%s))', ${logLiteral}, ${quoteLiteral(events)});
  END IF;
END
$pgstrata$;`;
}
