// Dirty revisions: a migration outside a transaction that failed or was interrupted part-way.
// Nothing runs past one until the user continues it (`--resume`) or says how it ended (`resolve`).
import type { StepScript } from './steps.js';
import { DirtyError, UsageError, type DirtyRevision } from '../util/errors.js';
import type { Step } from '../graph/plan.js';
import { parseStatements } from '../util/sqlparse.js';
import type { AppliedRow } from '../store/store.js';

/** A planned step, possibly continuing a dirty revision after its statements already done. */
export interface PlannedStep extends Step {
  resumeFrom?: number;
  /** With resumeFrom: the time the earlier runs took (the dirty row's duration_ms). */
  carriedMs?: number;
}

export function dirtyRevision(row: AppliedRow): DirtyRevision {
  const p = row.partial!;
  return {
    revision: row.revision,
    direction: p.direction,
    state: row.state as 'running' | 'failed',
    statementsDone: p.statementsDone,
    statementsTotal: p.statementsTotal,
    failedLocation: p.failedLocation,
    failedStatement: p.failedStatement,
    error: p.error,
  };
}

/** One line per dirty revision: how far it got, and where it stopped. */
export function describeDirty(d: DirtyRevision): string {
  const count = d.statementsTotal ?? d.statementsDone;
  const of = d.statementsTotal === null ? '' : ` of ${d.statementsTotal}`;
  const next = d.statementsDone + 1;
  const head = `${d.revision} stopped part-way through its ${d.direction}: ${d.statementsDone}${of} statement${count === 1 ? '' : 's'} done`;
  if (d.state === 'failed') return `${head}; statement ${next}${d.failedLocation ? ` at ${d.failedLocation}` : ''} failed: ${d.error ?? 'unknown error'}`;
  return `${head}; the run was interrupted during or after statement ${next} (it may have completed: check the database)`;
}

/**
 * What each resolution means for a revision that stopped during `direction`: --applied says the
 * interrupted run is complete, --rolled-back that what it ran was undone. For a down that is the
 * opposite of the revision being applied, so the advice spells out where each one leaves it.
 */
export function resolveAdvice(revision: string, direction: 'up' | 'down'): string {
  if (direction === 'up') {
    return `\`pgstrata resolve ${revision} --applied\` once you have finished its up by hand (it is then applied), or \`pgstrata resolve ${revision} --rolled-back\` once you have undone what the up ran (it is then pending)`;
  }
  return `\`pgstrata resolve ${revision} --applied\` once you have finished its down by hand (it is then no longer applied), or \`pgstrata resolve ${revision} --rolled-back\` once you have undone what the down ran (it stays applied)`;
}

function resolveHint(dirty: DirtyRevision[]): string {
  const d = dirty[0]!;
  return `Continue with \`pgstrata ${d.direction} --resume\` (runs from statement ${d.statementsDone + 1}), or record how it ended: ${resolveAdvice(d.revision, d.direction)}.`;
}

/** Stops a command while any revision is dirty. */
export function refuseDirty(rows: AppliedRow[], command: string): void {
  if (rows.length === 0) return;
  const dirty = rows.map(dirtyRevision);
  const message = `${command} refused: ${dirty.length === 1 ? 'a revision is' : `${dirty.length} revisions are`} dirty; nothing was run\n  ${dirty.map(describeDirty).join('\n  ')}`;
  throw new DirtyError(dirty, message, resolveHint(dirty));
}

/** The steps that continue every dirty revision in `direction`, parents first for up. */
export function resumeSteps(rows: AppliedRow[], direction: 'up' | 'down', order: (revisions: string[]) => string[]): PlannedStep[] {
  const wrong = rows.filter((r) => r.partial!.direction !== direction);
  if (wrong.length > 0) {
    const dirty = wrong.map(dirtyRevision);
    throw new DirtyError(dirty, `${direction} --resume refused: ${dirty.map(describeDirty).join('; ')}`, `It stopped during a ${dirty[0]!.direction}: continue it with \`pgstrata ${dirty[0]!.direction} --resume\`, or use \`pgstrata resolve\`.`);
  }
  const byRevision = new Map(rows.map((r) => [r.revision, r]));
  const sorted = order([...byRevision.keys()]);
  if (direction === 'down') sorted.reverse();
  return sorted.map((revision) => {
    const row = byRevision.get(revision)!;
    return { revision, direction, resumeFrom: row.partial!.statementsDone, carriedMs: row.durationMs ?? 0 };
  });
}

/**
 * A resumed step may run an edited file (the failing statement fixed, say), but the statements
 * already done must be the ones that ran, or "continue from statement N" would mean something else.
 */
export async function checkResumable(script: StepScript, ranSql: string | null, done: number): Promise<'same' | 'edited'> {
  if (script.transactional) {
    throw new UsageError(`${script.file} is no longer marked \`transaction: none\`, but ${script.revision} stopped part-way outside a transaction; finish it by hand and run \`pgstrata resolve ${script.revision} --applied\` or \`--rolled-back\``);
  }
  if (ranSql === null || ranSql === script.sql) return 'same';
  const [now, then] = await Promise.all([parseStatements(script.sql, script.file), parseStatements(ranSql, `${script.file} (as it ran)`)]);
  const same = now.ok && then.ok && now.statements.length >= done && now.statements.slice(0, done).every((s, i) => s.text === then.statements[i]?.text);
  if (!same) {
    throw new UsageError(`${script.file} changed in the ${done} statement${done === 1 ? '' : 's'} that already ran since ${script.revision} stopped, so --resume cannot tell where to continue; finish it by hand and run \`pgstrata resolve ${script.revision} --applied\` or \`--rolled-back\``);
  }
  return 'edited';
}
