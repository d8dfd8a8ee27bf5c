// What trace reads from the catalog around each statement: the relations of the user's schemas
// with their storage (relfilenode), the relation locks a backend holds (pg_locks), and whether
// tables have rows. Only pg_catalog is read, so the reads take no lock on a user's table, except
// the row probe, which runs in a savepoint rolled back at once (its locks go with it).
import type { Engine } from '../runner/engines/engine.js';
import { quoteIdent } from '../runner/util/sqlstring.js';
import { isLockMode, type LockMode } from './modes.js';

export type RelationKind = 'table' | 'partitioned table' | 'index' | 'partitioned index' | 'sequence' | 'view' | 'materialized view' | 'foreign table';

const KINDS: Record<string, RelationKind> = { r: 'table', p: 'partitioned table', i: 'index', I: 'partitioned index', S: 'sequence', v: 'view', m: 'materialized view', f: 'foreign table' };

export interface RelationInfo {
  oid: string;
  schema: string;
  name: string;
  /** `schema.name`, quoted where SQL needs it. */
  qualified: string;
  kind: RelationKind;
  /** Its storage; a new one for the same oid means the relation was rewritten. '0' when it has none. */
  filenode: string;
}

/** By oid. */
export type Relations = Map<string, RelationInfo>;

/** Relation oid -> the modes held on it. */
export type HeldLocks = Map<string, Set<LockMode>>;

const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

const RELATIONS_SQL = `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relfilenode::text AS filenode
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'i', 'I', 'S', 'v', 'm', 'f') AND ${USER_SCHEMA}`;

/** The relation locks granted to a backend in this database: $1 is its pid, or NULL for this one. */
const LOCKS_SQL = `SELECT l.relation::text AS oid, l.mode FROM pg_catalog.pg_locks l
WHERE l.locktype = 'relation' AND l.granted AND l.pid = COALESCE($1::int, pg_catalog.pg_backend_pid())
  AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())`;

export function qualifiedName(schema: string, name: string): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : quoteIdent(s));
  return `${part(schema)}.${part(name)}`;
}

export async function readRelations(engine: Engine): Promise<Relations> {
  const rows = await engine.query<{ oid: string; schema: string; name: string; kind: string; filenode: string }>(RELATIONS_SQL);
  return new Map(rows.map((r) => [r.oid, { oid: r.oid, schema: r.schema, name: r.name, qualified: qualifiedName(r.schema, r.name), kind: KINDS[r.kind] ?? 'table', filenode: r.filenode }]));
}

/** The relation locks `pid` holds (this engine's own backend when undefined). */
export async function readLocks(engine: Engine, pid?: number): Promise<HeldLocks> {
  const rows = await engine.query<{ oid: string; mode: string }>(LOCKS_SQL, [pid ?? null]);
  const held: HeldLocks = new Map();
  addLocks(held, rows);
  return held;
}

export function addLocks(into: HeldLocks, rows: Iterable<{ oid: string; mode: string }>): void {
  for (const { oid, mode } of rows) {
    if (!isLockMode(mode)) continue;
    const modes = into.get(oid);
    if (modes) modes.add(mode);
    else into.set(oid, new Set([mode]));
  }
}

export async function backendPid(engine: Engine): Promise<number> {
  const [row] = await engine.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid');
  return row!.pid;
}

/**
 * The oids of `tables` that hold at least one row. Inside a transaction the probe runs in a
 * savepoint rolled back at once, so the ACCESS SHARE locks it takes are not left held and are
 * never mistaken for the next statement's.
 */
export async function tablesWithRows(engine: Engine, tables: RelationInfo[], inTransaction: boolean): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const probe = tables.map((t) => `SELECT ${t.oid}::text AS oid WHERE EXISTS (SELECT 1 FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)})`).join('\nUNION ALL\n');
  if (!inTransaction) return new Set((await engine.query<{ oid: string }>(probe)).map((r) => r.oid));
  await engine.exec('SAVEPOINT pgstrata_trace_rows');
  try {
    return new Set((await engine.query<{ oid: string }>(probe)).map((r) => r.oid));
  } finally {
    await engine.exec('ROLLBACK TO SAVEPOINT pgstrata_trace_rows; RELEASE SAVEPOINT pgstrata_trace_rows');
  }
}
