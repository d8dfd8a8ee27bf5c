// A failed CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) leaves an INVALID index behind:
// it is not used for queries but is still maintained on every write, and re-running the statement
// fails with "already exists". The runner lists invalid indexes before such a statement and after
// its failure, so the report can name exactly the ones it left.
import type { Engine } from './engines/engine.js';
import type { ParsedStatement } from './sqlparse.js';
import { quoteIdent } from './sqlstring.js';

/** Statements that can leave an invalid index when they fail. */
export function mayLeaveInvalidIndex(s: ParsedStatement): boolean {
  return s.kind === 'IndexStmt' || s.kind === 'ReindexStmt';
}

/** Every invalid index in the database, as quoted schema-qualified names. */
export async function invalidIndexes(engine: Engine): Promise<Set<string>> {
  const rows = await engine.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid`,
  );
  return new Set(rows.map((r) => `${quoteIdent(r.schema)}.${quoteIdent(r.name)}`));
}
