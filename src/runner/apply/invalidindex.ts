// A failed CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) leaves an INVALID index behind:
// it is not used for queries but is still maintained on every write, and re-running the statement
// fails with "already exists". The runner lists invalid indexes before such a statement and after
// its failure, so the report can name exactly the ones it left.
import type { Engine } from '../engines/engine.js';
import type { ParsedStatement } from '../util/sqlparse.js';
import { quoteIdent } from '../util/sqlstring.js';

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

/** What a CREATE INDEX CONCURRENTLY builds: its table as written (quoted), and its name if it has one. */
export interface IndexTarget {
  table: string;
  name?: string;
}

export function concurrentIndexTarget(s: ParsedStatement | undefined): IndexTarget | undefined {
  if (s?.kind !== 'IndexStmt' || s.node.concurrent !== true) return undefined;
  const rel = s.node.relation as { schemaname?: string; relname?: string } | undefined;
  if (!rel?.relname) return undefined;
  const table = `${rel.schemaname ? `${quoteIdent(rel.schemaname)}.` : ''}${quoteIdent(rel.relname)}`;
  return typeof s.node.idxname === 'string' ? { table, name: s.node.idxname } : { table };
}

/**
 * INVALID indexes on the target's table (the one it names, when it names one), as quoted
 * schema-qualified names. The table is resolved as the statement would resolve it (search_path).
 * An index still being built (by a DBA, say) is invalid too until it finishes: it is left out.
 */
export async function invalidIndexesOf(engine: Engine, target: IndexTarget): Promise<string[]> {
  const rows = await engine.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid AND i.indrelid = pg_catalog.to_regclass($1) AND ($2::text IS NULL OR c.relname = $2)
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
      ORDER BY c.relname`,
    [target.table, target.name ?? null],
  );
  return rows.map((r) => `${quoteIdent(r.schema)}.${quoteIdent(r.name)}`);
}

/**
 * Before a resumed step re-runs a CREATE INDEX CONCURRENTLY <name>: the INVALID index of that
 * name that the failed run left would make it fail with 42P07 (or, with IF NOT EXISTS, be kept
 * as it is), so it is dropped first. Returns the indexes dropped.
 */
export async function dropLeftInvalid(engine: Engine, s: ParsedStatement, log: (index: string) => void): Promise<string[]> {
  const target = concurrentIndexTarget(s);
  if (!target?.name) return [];
  const left = await invalidIndexesOf(engine, target);
  for (const index of left) {
    log(index);
    await engine.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
  }
  return left;
}
