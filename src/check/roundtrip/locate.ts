// Where a round-trip step failed when PostgreSQL said no position (e.g. "relation … does not
// exist" from ALTER TABLE). The database is a scratch one, so replaying is safe: the file is split
// with PostgreSQL's parser and run statement by statement inside a transaction that is then
// rolled back; the first statement that fails is where the step failed.
import { sessionLost } from '../../runner/apply/apply.js';
import type { Engine } from '../../runner/engines/engine.js';
import { toDbError } from '../../runner/apply/pgerror.js';
import { parseStatements } from '../../runner/util/sqlparse.js';
import { settings, type StepScript } from '../../runner/apply/steps.js';

const SAVEPOINTS = new Set(['TRANS_STMT_SAVEPOINT', 'TRANS_STMT_RELEASE', 'TRANS_STMT_ROLLBACK_TO']);

/** The failing statement's line and column (its start); undefined when no single statement fails. */
export async function locateFailure(engine: Engine, step: StepScript): Promise<{ line: number; column: number } | undefined> {
  // Outside a transaction the runner already knows the statement; without transactional DDL
  // nothing could be rolled back.
  if (!step.transactional || !engine.capabilities.transactionalDdl) return undefined;
  const parsed = await parseStatements(step.sql, step.file);
  if (!parsed.ok) return undefined;
  try {
    await engine.exec(['BEGIN', ...settings(step, true)].map((s) => `${s};`).join('\n'));
  } catch {
    return undefined; // the session is gone (or unusable): no place, rather than a second error
  }
  try {
    for (const s of parsed.statements) {
      // A file that ends the transaction itself cannot be replayed inside one (savepoints can).
      if (s.kind === 'TransactionStmt' && !SAVEPOINTS.has(String(s.node.kind))) return undefined;
      try {
        await engine.exec(s.text);
      } catch (e) {
        // A lost session says nothing about the statement.
        return sessionLost(toDbError(e)) ? undefined : { line: s.line, column: s.column };
      }
    }
    return undefined;
  } finally {
    await engine.exec('ROLLBACK').catch(() => {});
  }
}
