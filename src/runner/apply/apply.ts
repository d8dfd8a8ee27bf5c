// Runs one step. On an engine with transactional DDL a step is one simple-protocol round trip:
//   BEGIN; SET LOCAL <mark and timeouts>; <file SQL>; <guarded bookkeeping>; COMMIT;
// so the migration and its version row commit or vanish together. The guard fails when the
// file's own COMMIT or ROLLBACK ended the transaction, so such a file is never recorded.
import { MigrationError } from '../util/errors.js';
import { locate, toDbError, type RawDbError } from './pgerror.js';
import { quoteLiteral } from '../util/sqlstring.js';
import { settings, writeFailure, type StepContext, type StepScript } from './steps.js';
import { Store } from '../store/store.js';
import { runPartial, type Resume } from './applypartial.js';
import { ENDED_SQLSTATE, endedReport } from './txcontrol.js';

const MARK = 'pgstrata.step';
const ENDED = 'pgstrata.migration_ended_the_transaction';

/**
 * The revision, while pgstrata's transaction is open; otherwise an error naming the cause.
 * Nothing is constant-folded: current_setting is stable, so the ELSE branch (an unknown
 * setting, hence an error) is evaluated only when the mark vanished with the transaction.
 */
function guard(revision: string): string {
  const rev = quoteLiteral(revision);
  return `CASE WHEN pg_catalog.current_setting('${MARK}', true) = ${rev} THEN ${rev} ELSE pg_catalog.current_setting('${ENDED}') END`;
}

/** The one-round-trip script, and where the file's text starts in it (in code points; all ASCII before it). */
export function transactionalScript(step: StepScript): { script: string; offset: number } {
  const prefix = ['BEGIN', `SET LOCAL ${MARK} = ${quoteLiteral(step.revision)}`, ...settings(step, true)].map((s) => `${s};\n`).join('');
  const suffix = `\n;\n${Store.inline(step.bookkeeping({ kind: 'inline', guard: guard(step.revision) }))}\nCOMMIT;`;
  return { script: prefix + step.sql + suffix, offset: prefix.length };
}

/**
 * Runs a step; resolves with its duration, or rejects with a MigrationError (exit 1).
 * `resume` continues a step outside a transaction after the statements already done.
 */
export async function runStep(ctx: StepContext, step: StepScript, resume?: Resume): Promise<number> {
  const { engine } = ctx;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // Outside a transaction (PostgreSQL refuses CREATE INDEX CONCURRENTLY in one): statement by
  // statement, journalled in the version table.
  if (!step.transactional) return runPartial(ctx, step, resume);

  if (engine.capabilities.transactionalDdl) {
    const { script, offset } = transactionalScript(step);
    try {
      await engine.exec(script);
      return elapsed();
    } catch (e) {
      const err = explainTimeout(toDbError(e), step);
      const lost = sessionLost(err);
      if (lost) {
        // No ROLLBACK or failure row: the session is gone, and with it the transaction.
        throw new MigrationError(step.revision, step.direction, locate(err, { file: step.file, text: step.sql, offset }), err, lostOutcome(step.revision, lost), { cause: e });
      }
      const status = engine.transactionStatus();
      await engine.exec('ROLLBACK').catch(() => {});
      const guardFired = err.message.includes(ENDED);
      if (guardFired || status === 'idle') {
        const report = await endedReport(step.file, step.sql, err, guardFired ? undefined : locate(err, { file: step.file, text: step.sql, offset }));
        await writeFailure(ctx, step, elapsed(), { ...err, sqlstate: ENDED_SQLSTATE });
        throw new MigrationError(step.revision, step.direction, report.location, report.db, report.outcome, { cause: e });
      }
      await writeFailure(ctx, step, elapsed(), err);
      throw new MigrationError(step.revision, step.direction, locate(err, { file: step.file, text: step.sql, offset }), err, 'rolled back: nothing from this migration was applied', { cause: e });
    }
  }

  // pg-mem has no transactional DDL: the file in one call, then the bookkeeping.
  try {
    await engine.exec(step.sql);
  } catch (e) {
    const err = explainTimeout(toDbError(e), step);
    await writeFailure(ctx, step, elapsed(), err);
    const outcome = `${engine.kind} has no transactional DDL: statements before the failing one may remain applied, and the revision was not recorded`;
    throw new MigrationError(step.revision, step.direction, locate(err, { file: step.file, text: step.sql, offset: 0 }), err, outcome, { cause: e });
  }
  const durationMs = elapsed();
  for (const s of step.bookkeeping({ kind: 'client', durationMs })) await engine.query(s.text, s.params);
  return durationMs;
}

/**
 * Whether the session died under the step: 'server' when PostgreSQL said so (an admin or crash
 * shutdown, SQLSTATE 57P01-57P03, or a connection exception, class 08) - it then aborted the
 * transaction before COMMIT; 'unknown' when the connection just closed, perhaps after COMMIT.
 */
export function sessionLost(err: RawDbError): 'server' | 'unknown' | undefined {
  if (err.sqlstate) return /^(57P0[123]|08...)$/.test(err.sqlstate) ? 'server' : undefined;
  return /Connection terminated|connection error|ECONNRESET|EPIPE|not queryable/i.test(err.message) ? 'unknown' : undefined;
}

function lostOutcome(revision: string, lost: 'server' | 'unknown'): string {
  if (lost === 'server') return 'rolled back: the server ended the session before the migration committed, so nothing from it was applied. Run up again when the server is back';
  return `the connection was lost before the server confirmed the COMMIT. PostgreSQL rolls back a transaction whose session ends, and the version row commits together with the migration: \`pgstrata status\` shows ${revision} as applied if and only if it committed. Run up again to continue`;
}

/** PostgreSQL names the timeout but not who set it: point at the header that did (a down's is its up file's). */
function explainTimeout(err: RawDbError, step: StepScript): RawDbError {
  if (err.hint) return err;
  const header = `The header of ${step.timeoutsFrom ?? step.file}`;
  const scope = step.direction === 'down' ? ', which applies to its down too' : '';
  if (err.sqlstate === '57014' && /statement timeout/.test(err.message) && step.statementTimeout) {
    return { ...err, hint: `${header} sets statement_timeout: ${step.statementTimeout}${scope}; raise it or make the migration faster.` };
  }
  if (err.sqlstate === '55P03' && /lock timeout/.test(err.message) && step.lockTimeout) {
    return { ...err, hint: `${header} sets lock_timeout: ${step.lockTimeout}${scope}; another session held a conflicting lock for longer. Run again when it is gone, or raise the timeout.` };
  }
  return err;
}
