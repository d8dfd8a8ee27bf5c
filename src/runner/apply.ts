// Runs one step. On an engine with transactional DDL a step is one simple-protocol round trip:
//   BEGIN; <mark>; SET LOCAL <timeouts>; <file SQL>; <guard>; <bookkeeping>; COMMIT;
// so the migration and its version row commit or vanish together. The guard fails when the
// file's own COMMIT or ROLLBACK ended the transaction, so such a file is never recorded.
import type { Engine } from './engines/engine.js';
import { MigrationError, type SqlLocation } from './errors.js';
import type { Logger } from './logger.js';
import { locate, toDbError, type RawDbError } from './pgerror.js';
import { quoteLiteral } from './sqlstring.js';
import { SERVER_ELAPSED_MS, Store, type Statement } from './store.js';
import { parseStatements } from './sqlparse.js';
import { codePointLength, lineAtIndex } from './text.js';

export interface StepScript {
  revision: string;
  direction: 'up' | 'down';
  /** The file as shown to the user (or a description of stored SQL). */
  file: string;
  sql: string;
  transactional: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  /** Version-table and log statements; `durationSql` is set when the server measures time. */
  bookkeeping(durationMs: number | null, durationSql?: string): Statement[];
  /** The log row written after a failure. */
  failure(durationMs: number, sqlstate: string | null): Statement;
}

export interface StepContext {
  engine: Engine;
  logger: Logger;
}

const MARK = 'pgstrata.step';
const ENDED = 'pgstrata.migration_ended_the_transaction';

function settings(step: StepScript, local: boolean): string[] {
  const scope = local ? 'SET LOCAL' : 'SET';
  const out: string[] = [];
  if (step.lockTimeout) out.push(`${scope} lock_timeout = ${quoteLiteral(step.lockTimeout)}`);
  if (step.statementTimeout) out.push(`${scope} statement_timeout = ${quoteLiteral(step.statementTimeout)}`);
  return out;
}

/** The one-round-trip script, and where the file's text starts in it (in code points; all ASCII before it). */
export function transactionalScript(step: StepScript): { script: string; offset: number } {
  const rev = quoteLiteral(step.revision);
  const prefix = ['BEGIN', `SELECT pg_catalog.set_config('${MARK}', ${rev}, true)`, ...settings(step, true)].map((s) => `${s};\n`).join('');
  // Nothing is constant-folded here: current_setting is stable, so the ELSE branch (an unknown
  // setting, hence an error naming it) runs only when the mark is gone with the transaction.
  const guard = `SELECT CASE WHEN pg_catalog.current_setting('${MARK}', true) = ${rev} THEN NULL ELSE pg_catalog.current_setting('${ENDED}') END;`;
  const suffix = `\n;\n${guard}\n${Store.inline(step.bookkeeping(null, SERVER_ELAPSED_MS))}\nCOMMIT;`;
  return { script: prefix + step.sql + suffix, offset: prefix.length };
}

/** Runs a step; resolves with its duration, or rejects with a MigrationError (exit 1). */
export async function runStep(ctx: StepContext, step: StepScript): Promise<number> {
  const { engine } = ctx;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  if (step.transactional && engine.capabilities.transactionalDdl) {
    const { script, offset } = transactionalScript(step);
    try {
      await engine.exec(script);
      return elapsed();
    } catch (e) {
      const status = engine.transactionStatus();
      await engine.exec('ROLLBACK').catch(() => {});
      const err = toDbError(e);
      const ended = err.message.includes(ENDED) || status === 'idle';
      await writeFailure(ctx, step, elapsed(), err);
      const location = ended ? transactionControlLine(step) : locate(err, { file: step.file, text: step.sql, offset });
      throw new MigrationError(step.revision, step.direction, location, err, ended ? ENDED_OUTCOME : 'rolled back: nothing from this migration was applied', { cause: e });
    }
  }

  // Outside a transaction: the file's statements one at a time (PostgreSQL refuses CREATE INDEX
  // CONCURRENTLY in a transaction block, and runs a multi-statement query string as one implicit
  // transaction), then the bookkeeping. pg-mem lands here too, having no transactional DDL.
  const before = settings(step, false);
  const pieces = engine.capabilities.transactionalDdl ? await statementsOf(step.sql) : [{ text: step.sql, offset: 0 }];
  let at = pieces[0]!;
  try {
    if (before.length > 0) await engine.exec(before.join(';\n'));
    for (const piece of pieces) {
      at = piece;
      await engine.exec(piece.text);
    }
  } catch (e) {
    const err = toDbError(e);
    await writeFailure(ctx, step, elapsed(), err);
    const outcome = engine.capabilities.transactionalDdl
      ? 'this file runs outside a transaction (transaction: none): statements before the failing one stay applied, and the revision was not recorded'
      : `${engine.kind} has no transactional DDL: statements before the failing one may remain applied, and the revision was not recorded`;
    // A statement sent alone: its positions count from where it starts in the file.
    throw new MigrationError(step.revision, step.direction, locate(err, { file: step.file, text: step.sql, offset: -at.offset }), err, outcome, { cause: e });
  } finally {
    if (before.length > 0) await engine.exec('RESET lock_timeout;\nRESET statement_timeout').catch(() => {});
  }
  const durationMs = elapsed();
  if (engine.capabilities.transactionalDdl) {
    await engine.exec(`BEGIN;\n${Store.inline(step.bookkeeping(durationMs))}\nCOMMIT;`);
  } else {
    for (const s of step.bookkeeping(durationMs)) await engine.query(s.text, s.params);
  }
  return durationMs;
}

/** The file's statements with their offsets (in code points); the whole file when it will not split. */
async function statementsOf(sql: string): Promise<{ text: string; offset: number }[]> {
  const parsed = await parseStatements(sql, '');
  // A syntax error is left for the server to report, with its position in the whole file.
  if (!parsed.ok || parsed.statements.length < 2) return [{ text: sql, offset: 0 }];
  return parsed.statements.map((st) => ({ text: st.text, offset: codePointLength(sql.slice(0, st.start)) }));
}

const ENDED_OUTCOME =
  "the file ended pgstrata's transaction itself (COMMIT or ROLLBACK inside it): what ran before that point may be committed, and the revision was NOT recorded as applied. Check the database, remove the transaction control from the file (or mark it `-- transaction: none`), then run up again";

/** Points at the file's first COMMIT/ROLLBACK/END when the transaction was ended from inside. */
function transactionControlLine(step: StepScript): SqlLocation {
  const m = /^[ \t]*(COMMIT|ROLLBACK|END)\b(?![ \t]+(?:IF|LOOP|CASE))(?![ \t]+TO\b)/im.exec(step.sql);
  return m ? { file: step.file, line: lineAtIndex(step.sql, m.index), column: m[0].length - m[1]!.length + 1 } : { file: step.file };
}

async function writeFailure(ctx: StepContext, step: StepScript, durationMs: number, err: RawDbError): Promise<void> {
  try {
    const s = step.failure(durationMs, err.sqlstate ?? null);
    await ctx.engine.query(s.text, s.params);
  } catch (e) {
    ctx.logger.warn({ event: 'log-write-failed', revision: step.revision, error: (e as Error).message }, 'could not record the failure in the event log');
  }
}
