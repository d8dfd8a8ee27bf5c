// `stamp --from-alembic`: adopt a database that Alembic managed. Alembic keeps its position in
// one table, `alembic_version (version_num)`, one row per head; pgstrata records those revisions
// and their ancestors that it has not recorded yet (checksums from the current files), runs no
// SQL, never removes a row, and leaves alembic_version as it is.
import { refuseDirty } from '../apply/dirty.js';
import { SourceError, UsageError } from '../util/errors.js';
import { toDbError } from '../apply/pgerror.js';
import type { Runner, RunResult } from './runner.js';
import { quoteIdent } from '../util/sqlstring.js';
import { writeStamp } from './stamp.js';

export const ALEMBIC_TABLE = 'alembic_version';

export interface AdoptResult extends RunResult {
  /** The revisions alembic_version names (empty: Alembic was at base). */
  alembic: string[];
  /** Applied revisions that descend from those: pgstrata's records are already past alembic_version. */
  ahead: string[];
}

/** `alembic_version` or `schema.alembic_version`, quoted. Unqualified names follow search_path, as Alembic's do. */
function qualified(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`--alembic-table "${name}": write table or schema.table`);
  return parts.map(quoteIdent).join('.');
}

async function readAlembic(runner: Runner, table: string): Promise<string[]> {
  try {
    const rows = await runner.engine.query<{ version_num: string }>(`SELECT version_num FROM ${qualified(table)} ORDER BY version_num`);
    return rows.map((r) => r.version_num.trim());
  } catch (e) {
    const err = toDbError(e);
    if (err.sqlstate === '42P01') {
      throw new UsageError(`there is no table ${table} in ${runner.engine.description}, so there is no Alembic position to adopt. If Alembic used another version table, name it with --alembic-table schema.table; if the database never had Alembic, use \`pgstrata stamp <revision>\` or \`pgstrata up\`.`, { cause: e });
    }
    if (err.sqlstate === '42703') throw new UsageError(`${table} has no version_num column: it is not an Alembic version table`, { cause: e });
    throw e;
  }
}

export async function stampFromAlembic(runner: Runner, options: { table?: string; dryRun?: boolean } = {}): Promise<AdoptResult> {
  const table = options.table ?? ALEMBIC_TABLE;
  const history = runner.history();
  return runner.session(history, !options.dryRun, async (s) => {
    refuseDirty(s.dirty, 'stamp --from-alembic');
    const alembic = await readAlembic(runner, table);
    const unknown = alembic.filter((r) => !s.graph.has(r));
    if (unknown.length > 0) {
      throw new SourceError(
        unknown.map((r) => ({
          file: history.upDir,
          message: `${table} says the database is at ${r}, but no up file defines that revision`,
          hint: `Add the revision's files (sql/up/${r}_<slug>.sql with "-- revision: ${r}", and its down), keeping Alembic's ids, then run this again. Nothing was recorded.`,
        })),
        `cannot adopt: ${unknown.length === 1 ? 'a revision' : `${unknown.length} revisions`} from ${table} missing from the files`,
      );
    }
    // Adoption only adds: a revision pgstrata applied after alembic_version was last written
    // (a descendant) is real, and un-recording it would make the next up run it again.
    const wanted = new Set([...s.graph.ancestors(alembic), ...alembic]);
    const add = [...wanted].filter((r) => !s.appliedSet.has(r));
    const beyond = s.graph.descendants(alembic);
    const ahead = s.graph.sort([...s.appliedSet].filter((r) => beyond.has(r) && !alembic.includes(r)));
    const result = await writeStamp(runner, s, add, [], !!options.dryRun);
    return { ...result, alembic, ahead };
  });
}
