// Where a dirty revision stopped, for `status`: the statement it failed at (or was running when
// the run died), and the INVALID index that statement left behind if it was a CREATE INDEX
// CONCURRENTLY. Read-only; the parser is loaded only when some revision is dirty.
import type { Engine } from '../engines/engine.js';
import type { DirtyRevision } from '../util/errors.js';
import { concurrentIndexTarget, invalidIndexesOf } from '../apply/invalidindex.js';
import { parseStatements } from '../util/sqlparse.js';
import type { Store } from '../store/store.js';

export interface Stopped {
  /** The statement's SQL text; null when it cannot be told (the SQL that ran was not stored). */
  statement: string | null;
  /** INVALID indexes (quoted, schema-qualified) on the table a CREATE INDEX CONCURRENTLY statement builds on. */
  invalidIndexes: string[];
  /** The statement names its index, so `--resume` drops the INVALID one before running it again. */
  resumeRebuilds: boolean;
}

export async function stoppedAt(engine: Engine, store: Store, d: DirtyRevision): Promise<Stopped> {
  const ran = await store.storedSql(d.revision, d.direction);
  const parsed = ran === null ? undefined : await parseStatements(ran, d.revision);
  const statement = parsed?.ok ? parsed.statements[d.statementsDone] : undefined;
  const target = concurrentIndexTarget(statement);
  // pg-mem has no catalog of index validity (nor CREATE INDEX CONCURRENTLY).
  const invalidIndexes = target && engine.capabilities.transactionalDdl ? await invalidIndexesOf(engine, target) : [];
  return { statement: d.failedStatement ?? statement?.text ?? null, invalidIndexes, resumeRebuilds: target?.name !== undefined };
}
