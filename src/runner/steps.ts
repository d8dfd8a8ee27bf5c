// Builds the StepScript for an up or a down from a migration and the version store.
import type { StepJournal, StepScript } from './apply.js';
import { parseDownHeader } from './header.js';
import { Journal } from './journal.js';
import type { DownScript, Migration } from './source.js';
import type { Statement, Store } from './store.js';
import type { Duration } from './journal.js';
import { pgstrataVersion } from './version.js';

export function upStep(m: Migration, down: DownScript | undefined, store: Store): StepScript {
  return {
    revision: m.revision,
    direction: 'up',
    file: m.upFile,
    sql: m.sql,
    transactional: m.transactional,
    ...(m.lockTimeout ? { lockTimeout: m.lockTimeout } : {}),
    ...(m.statementTimeout ? { statementTimeout: m.statementTimeout } : {}),
    bookkeeping: (timing) => store.recordUp(versionRecord(m, down), timing),
    failure: (durationMs, sqlstate) => store.logEvent('up', m.revision, durationMs, sqlstate),
    journal: journalFor(store, m.revision, {
      start: (j, total, resumeFrom) =>
        resumeFrom === undefined ? j.insertRunning(versionRecord(m, down), total) : j.markRunning('up', m.revision, resumeFrom, total, m.sql, m.checksum),
      finish: (j, duration) => j.finishUp(m.revision, duration),
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
    bookkeeping: (timing) => store.recordDown(revision, timing),
    failure: (durationMs, sqlstate) => store.logEvent('down', revision, durationMs, sqlstate),
    journal: journalFor(store, revision, {
      start: (j, total, resumeFrom) => j.markRunning('down', revision, resumeFrom ?? 0, total, down.sql, down.checksum),
      finish: (j, duration) => j.finishDown(revision, duration),
    }),
  };
}

/** The journal writes of one step that runs outside a transaction, bound to its revision. */
function journalFor(
  store: Store,
  revision: string,
  ends: { start: (j: Journal, total: number, resumeFrom?: number) => Statement; finish: (j: Journal, d: Duration) => Statement[] },
): StepJournal {
  const j = new Journal(store);
  return {
    start: (total, resumeFrom) => ends.start(j, total, resumeFrom),
    progress: (done) => j.progress(revision, done),
    failed: (f) => j.markFailed(revision, f),
    finish: (duration) => ends.finish(j, duration),
  };
}

/** Wraps down SQL read from the version table as a DownScript. */
export function storedDownScript(revision: string, sql: string): DownScript {
  const file = `down SQL of ${revision} stored in the version table`;
  return { file, sql, checksum: '', transactional: parseDownHeader(sql, file).header.transactional };
}
