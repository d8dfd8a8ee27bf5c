// A step: the SQL one up or down runs and the version-table writes around it, built from a
// migration and the store. apply.ts runs it in a transaction, applypartial.ts statement by
// statement; both share the helpers at the end of this file.
import type { Engine } from '../engines/engine.js';
import { parseDownHeader } from '../source/header.js';
import { Journal, type Duration, type Failure } from '../store/journal.js';
import type { Logger } from '../util/logger.js';
import type { RawDbError } from './pgerror.js';
import type { DownScript, Migration } from '../source/source.js';
import { emptyDown } from '../source/sqltext.js';
import { quoteLiteral } from '../util/sqlstring.js';
import type { Statement, Store, Timing } from '../store/store.js';
import { pgstrataVersion } from '../util/version.js';

export interface StepScript {
  revision: string;
  direction: 'up' | 'down';
  /** The file as shown to the user (or a description of stored SQL). */
  file: string;
  sql: string;
  transactional: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  /** The up file whose header sets those timeouts: a down runs with its up's. */
  timeoutsFrom?: string;
  /** Version-table and log statements. */
  bookkeeping(timing: Timing): Statement[];
  /** The log row written after a failure. */
  failure(durationMs: number, sqlstate: string | null): Statement;
  /** Version-table writes around the statements of a step that runs outside a transaction. */
  journal: StepJournal;
}

/** See journal.ts: the row marked running, progress after each statement, the final write. */
export interface StepJournal {
  /** `resumeFrom` (statements already done) is set when continuing a dirty revision. */
  start(total: number, resumeFrom?: number): Statement;
  progress(done: number): Statement;
  failed(f: Failure): Statement;
  /** `carriedMs`: what earlier runs of a resumed step took. */
  finish(duration: Duration, carriedMs?: number): Statement[];
}

export interface StepContext {
  engine: Engine;
  logger: Logger;
}


export function upStep(m: Migration, down: DownScript | undefined, store: Store): StepScript {
  return {
    revision: m.revision,
    direction: 'up',
    file: m.upFile,
    sql: m.sql,
    transactional: m.transactional,
    ...(m.lockTimeout ? { lockTimeout: m.lockTimeout } : {}),
    ...(m.statementTimeout ? { statementTimeout: m.statementTimeout } : {}),
    timeoutsFrom: m.upFile,
    bookkeeping: (timing) => store.recordUp(versionRecord(m, down), timing),
    failure: (durationMs, sqlstate) => store.logEvent('up', m.revision, durationMs, sqlstate),
    journal: journalFor(store, m.revision, {
      start: (j, total, resumeFrom) =>
        resumeFrom === undefined ? j.insertRunning(versionRecord(m, down), total) : j.markRunning('up', m.revision, resumeFrom, total, m.sql, m.checksum),
      finish: (j, duration, carriedMs) => j.finishUp(m.revision, duration, carriedMs),
    }),
  };
}

export function versionRecord(m: Migration, down: DownScript | undefined) {
  return {
    revision: m.revision,
    parents: m.parents,
    message: m.message,
    checksum: m.checksum,
    downChecksum: down?.checksum ?? null,
    upSql: m.sql,
    downSql: down?.sql ?? null,
    version: pgstrataVersion(),
  };
}

/** A down from its file, or from the SQL stored at apply time when the file is gone. */
export function downStep(revision: string, down: DownScript, m: Migration | undefined, store: Store): StepScript {
  return {
    revision,
    direction: 'down',
    file: down.file,
    sql: down.sql,
    transactional: down.transactional,
    ...(m?.lockTimeout ? { lockTimeout: m.lockTimeout } : {}),
    ...(m?.statementTimeout ? { statementTimeout: m.statementTimeout } : {}),
    ...(m ? { timeoutsFrom: m.upFile } : {}),
    bookkeeping: (timing) => store.recordDown(revision, timing),
    failure: (durationMs, sqlstate) => store.logEvent('down', revision, durationMs, sqlstate),
    journal: journalFor(store, revision, {
      start: (j, total, resumeFrom) => j.markRunning('down', revision, resumeFrom ?? 0, total, down.sql, down.checksum, resumeFrom === undefined),
      finish: (j, duration) => j.finishDown(revision, duration),
    }),
  };
}

/** The journal writes of one step that runs outside a transaction, bound to its revision. */
function journalFor(
  store: Store,
  revision: string,
  ends: { start: (j: Journal, total: number, resumeFrom?: number) => Statement; finish: (j: Journal, d: Duration, carriedMs?: number) => Statement[] },
): StepJournal {
  const j = new Journal(store);
  return {
    start: (total, resumeFrom) => ends.start(j, total, resumeFrom),
    progress: (done) => j.progress(revision, done),
    failed: (f) => j.markFailed(revision, f),
    finish: (duration, carriedMs) => ends.finish(j, duration, carriedMs),
  };
}

/** Wraps down SQL read from the version table as a DownScript. */
export function storedDownScript(revision: string, sql: string): DownScript {
  const file = `down SQL of ${revision} stored in the version table`;
  const empty = emptyDown(sql);
  return { file, sql, checksum: '', transactional: parseDownHeader(sql, file).header.transactional, ...(empty ? { empty } : {}) };
}

export function settings(step: StepScript, local: boolean): string[] {
  const scope = local ? 'SET LOCAL' : 'SET';
  const out: string[] = [];
  if (step.lockTimeout) out.push(`${scope} lock_timeout = ${quoteLiteral(step.lockTimeout)}`);
  if (step.statementTimeout) out.push(`${scope} statement_timeout = ${quoteLiteral(step.statementTimeout)}`);
  return out;
}

export async function writeFailure(ctx: StepContext, step: StepScript, durationMs: number, err: RawDbError): Promise<void> {
  try {
    const s = step.failure(durationMs, err.sqlstate ?? null);
    await ctx.engine.query(s.text, s.params);
  } catch (e) {
    ctx.logger.warn({ event: 'log-write-failed', revision: step.revision, error: (e as Error).message }, 'could not record the failure in the event log');
  }
}
