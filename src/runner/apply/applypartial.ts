// Runs a step outside a transaction (`transaction: none`): each statement alone, in autocommit,
// with the journal written around it (partial.ts builds the list). A failure marks the revision
// failed with the statement, its file:line and the error; a crash leaves it running. Either way
// the revision is dirty until `up --resume` or `resolve`.
import { writeFailure, type StepContext, type StepScript } from './steps.js';
import { MigrationError, type PartialOutcome, type SqlLocation } from '../util/errors.js';
import { resolveAdvice } from './dirty.js';
import { concurrentIndexTarget, dropLeftInvalid, invalidIndexes, mayLeaveInvalidIndex } from './invalidindex.js';
import { SERVER_DURATION } from '../store/journal.js';
import { partialEntries, resetNames, splitStep } from './partial.js';
import { locate, toDbError, type RawDbError } from './pgerror.js';
import type { ParsedStatement } from '../util/sqlparse.js';
import { Store } from '../store/store.js';
import { codePointLength } from '../util/text.js';

/** Where a dirty step continues: after `from` statements, which took `carriedMs` in earlier runs. */
export interface Resume {
  from: number;
  carriedMs: number;
}

export async function runPartial(ctx: StepContext, step: StepScript, resume?: Resume): Promise<number> {
  const { engine } = ctx;
  const resumeFrom = resume?.from;
  const carriedMs = resume?.carriedMs ?? 0;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const statements = await splitStep(step);
  // The server times the run from the row's started_at, as an offline script does; pg-mem has no
  // clock_timestamp(), so there the client's measure is recorded instead.
  const real = engine.capabilities.transactionalDdl;
  const entries = partialEntries(step, statements, { ...(resume ? { resumeFrom, carriedMs } : {}), duration: SERVER_DURATION });
  const finish = entries.pop()!;
  // Set while the session carries the header's timeouts, so a failure still resets them.
  let timeoutsSet = false;
  try {
    for (const e of entries) {
      if (e.kind === 'setting') timeoutsSet = !e.sql.startsWith('RESET');
      if (e.kind !== 'statement') {
        await engine.exec(e.sql);
        continue;
      }
      let before: Set<string> | undefined;
      try {
        if (real && e.index === resumeFrom) await dropLeftInvalid(engine, e.statement, (index) => logDrop(ctx, step, e.index, index));
        before = real && mayLeaveInvalidIndex(e.statement) ? await invalidIndexes(engine) : undefined;
        await engine.exec(e.statement.text);
      } catch (error) {
        await failed(ctx, step, { statements, index: e.index, error, before, durationMs: elapsed(), carriedMs });
      }
    }
  } finally {
    if (timeoutsSet) await engine.exec(resetNames(step).map((n) => `RESET ${n}`).join(';\n')).catch(() => {});
  }
  const durationMs = elapsed();
  await engine.exec(real && finish.kind === 'journal' ? finish.sql : Store.inline(step.journal.finish({ ms: durationMs }, carriedMs)));
  return durationMs;
}

function logDrop(ctx: StepContext, step: StepScript, index: number, name: string): void {
  ctx.logger.warn(
    { event: 'drop-invalid-index', revision: step.revision, statement: index + 1, index: name },
    `${step.revision}: dropping the INVALID index ${name} that statement ${index + 1} left when it failed, before running it again (DROP INDEX CONCURRENTLY IF EXISTS ${name})`,
  );
}

interface FailedAt {
  statements: ParsedStatement[];
  index: number;
  error: unknown;
  before: Set<string> | undefined;
  /** This run's time so far, and the earlier runs'. */
  durationMs: number;
  carriedMs: number;
}

async function failed(ctx: StepContext, step: StepScript, f: FailedAt): Promise<never> {
  const err = toDbError(f.error);
  const statement = f.statements[f.index]!;
  const location = statementLocation(err, step, statement);
  const invalid = f.before ? [...(await invalidIndexes(ctx.engine).catch(() => new Set<string>()))].filter((n) => !f.before!.has(n)) : [];
  const where = [location.file, location.line, location.column].filter((x) => x !== undefined).join(':');
  let marked = true;
  try {
    const mark = step.journal.failed({ statementsDone: f.index, statement: statement.text, location: where, error: `${err.sqlstate ?? 'error'}: ${err.message}`, durationMs: f.carriedMs + f.durationMs });
    await ctx.engine.query(mark.text, mark.params);
  } catch (e) {
    marked = false;
    ctx.logger.warn({ event: 'journal-write-failed', revision: step.revision, error: (e as Error).message }, 'could not mark the revision failed in the version table; it stays marked running');
  }
  await writeFailure(ctx, step, f.durationMs, err);
  const rebuilds = concurrentIndexTarget(statement)?.name !== undefined;
  const partial: PartialOutcome = { statementsDone: f.index, statementsTotal: f.statements.length, failedStatement: f.index + 1, invalidIndexes: invalid, resumeRebuilds: rebuilds };
  throw new MigrationError(step.revision, step.direction, location, err, partialOutcome(step, partial, marked), { cause: f.error, partial });
}

/** The error's place in the file: PostgreSQL counts from the start of the statement sent. */
function statementLocation(err: RawDbError, step: StepScript, statement: ParsedStatement): SqlLocation {
  const before = codePointLength(step.sql.slice(0, statement.start));
  const at = locate(err, { file: step.file, text: step.sql, offset: -before });
  return at.line === undefined ? { file: step.file, line: statement.line, column: statement.column } : at;
}

function partialOutcome(step: StepScript, p: PartialOutcome, marked: boolean): string {
  const range = p.statementsDone === 1 ? 'statement 1' : `statements 1-${p.statementsDone}`;
  const done = p.statementsDone === 0 ? 'no statement of this file had run' : `${range} of ${p.statementsTotal} ran and stay${p.statementsDone === 1 ? 's' : ''} applied`;
  const verb = step.direction === 'up' ? 'up' : 'down';
  return (
    `this file runs outside a transaction (transaction: none): ${done}, and ${step.revision} is ${marked ? 'marked failed' : 'still marked running (the failure could not be recorded)'} in the version table. ` +
    `Fix the cause, then run \`pgstrata ${verb} --resume\` to continue from statement ${p.failedStatement}, ` +
    `or ${resolveAdvice(step.revision, step.direction)}`
  );
}
