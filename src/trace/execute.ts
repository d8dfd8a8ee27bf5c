// Traces one migration: its statements one at a time, inside its own transaction (or, for a
// `transaction: none` file, each on its own), reading after each statement the locks this
// backend holds and the storage of every relation. The migration commits: the revisions after it
// are traced on the schema it built. Nothing is written to the version table.
import type { Engine } from '../runner/engines/engine.js';
import type { Migration } from '../runner/source/source.js';
import { locate, toDbError } from '../runner/apply/pgerror.js';
import { parseStatements, type ParsedStatement } from '../runner/util/sqlparse.js';
import { SourceError } from '../runner/util/errors.js';
import { codePointLength } from '../runner/util/text.js';
import { readLocks, readRelations, tablesWithRows, type HeldLocks, type Relations } from './observe.js';
import { holdSummary, newLocks, relationChanges, tablesToProbe, type MigrationTrace, type StatementTrace, type TraceFailure } from './report.js';
import type { LockSampler } from './sampler.js';

export interface TraceContext {
  engine: Engine;
  /** A second connection, for statements PostgreSQL refuses in a transaction block; none on PGlite. */
  sampler?: LockSampler;
  /** This engine's backend pid, for the sampler. */
  pid?: number;
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

/** PostgreSQL's "cannot run inside a transaction block". */
const NOT_IN_TRANSACTION = '25001';

export async function splitMigration(m: Migration): Promise<ParsedStatement[]> {
  const parsed = await parseStatements(m.sql, m.upFile);
  if (!parsed.ok) throw new SourceError([parsed.problem], `${m.upFile} cannot be split into statements; nothing was traced`);
  return parsed.statements;
}

const firstLine = (s: string) => {
  const line = s.trim().split('\n')[0]!.trim();
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
};

/** `settings`: the header's SET LOCAL lock_timeout / statement_timeout. */
export async function traceMigration(ctx: TraceContext, m: Migration, settings: string[]): Promise<MigrationTrace> {
  const { engine } = ctx;
  const statements = await splitMigration(m);
  const started = performance.now();
  const atStart = await readRelations(engine);
  const createdInMigration = (oid: string) => !atStart.has(oid);
  /** Rows are probed once per table and migration. */
  const probed = new Map<string, boolean>();
  const traces: StatementTrace[] = [];
  let failed: TraceFailure | undefined;

  const fail = (s: ParsedStatement, e: unknown): TraceFailure => {
    const err = toDbError(e);
    const at = locate(err, { file: m.upFile, text: m.sql, offset: -codePointLength(m.sql.slice(0, s.start)) });
    return { line: at.line ?? s.line, column: at.column ?? s.column, ...(err.sqlstate ? { sqlstate: err.sqlstate } : {}), message: err.message };
  };

  /** Observes after a statement: what it locked, rewrote, created and dropped. */
  const observe = async (s: ParsedStatement, index: number, durationMs: number, locks: { before: HeldLocks; after: HeldLocks }, relations: { before: Relations; after: Relations }, observed: StatementTrace['observed'], inTransaction: boolean) => {
    const known = new Map([...relations.before, ...relations.after]);
    const taken = newLocks(locks.before, locks.after, known, createdInMigration);
    const unprobed = tablesToProbe(taken, relations.after).filter((t) => !probed.has(t.oid));
    const withRows = await tablesWithRows(engine, unprobed, inTransaction);
    for (const t of unprobed) probed.set(t.oid, withRows.has(t.oid));
    for (const l of taken) {
      const t = tablesToProbe([l], relations.after)[0];
      if (t && probed.has(t.oid)) l.hasRows = probed.get(t.oid)!;
    }
    traces.push({
      file: m.upFile,
      line: s.line,
      column: s.column,
      index: index + 1,
      kind: s.kind,
      sql: firstLine(s.text),
      durationMs: tenths(durationMs),
      observed,
      locks: taken,
      ...relationChanges(relations.before, relations.after),
    });
  };

  /** Runs one statement (timed) in the transaction that is open. */
  const timed = async (s: ParsedStatement): Promise<number> => {
    const t0 = performance.now();
    await engine.exec(s.text);
    return performance.now() - t0;
  };


  if (m.transactional) {
    await engine.exec(['BEGIN', ...settings].join(';\n'));
    let relations = atStart;
    let locks = await readLocks(engine);
    for (const [i, s] of statements.entries()) {
      let ms: number;
      try {
        ms = await timed(s);
      } catch (e) {
        failed = fail(s, e);
        break;
      }
      const after = { locks: await readLocks(engine), relations: await readRelations(engine) };
      await observe(s, i, ms, { before: locks, after: after.locks }, { before: relations, after: after.relations }, 'in transaction', true);
      ({ locks, relations } = after);
    }
    const t0 = performance.now();
    await engine.exec(failed ? 'ROLLBACK' : 'COMMIT');
    const last = traces.at(-1);
    if (last && !failed) last.durationMs = tenths(last.durationMs + performance.now() - t0);
  } else {
    // Each statement on its own, as `up` runs such a file: in a transaction of its own where
    // PostgreSQL allows one (so its locks can be read before it commits), else watched by the sampler.
    for (const [i, s] of statements.entries()) {
      const before = await readRelations(engine);
      try {
        await engine.exec(['BEGIN', ...settings].join(';\n'));
        const locks = await readLocks(engine);
        let ms: number | undefined;
        try {
          ms = await timed(s);
        } catch (e) {
          await engine.exec('ROLLBACK');
          if (toDbError(e).sqlstate !== NOT_IN_TRANSACTION) throw e;
        }
        if (ms !== undefined) {
          const after = { locks: await readLocks(engine), relations: await readRelations(engine) };
          await observe(s, i, ms, { before: locks, after: after.locks }, { before, after: after.relations }, 'in transaction', true);
          await engine.exec('COMMIT');
          continue;
        }
        await outsideTransaction(ctx, s, settings, async (ms, seen) => {
          const after = await readRelations(engine);
          await observe(s, i, ms, { before: new Map(), after: seen ?? new Map() }, { before, after }, seen ? 'sampled while running' : 'not observable', false);
        });
      } catch (e) {
        if (engine.transactionStatus() !== 'idle') await engine.exec('ROLLBACK').catch(() => {});
        failed = fail(s, e);
        break;
      }
    }
  }
  return {
    revision: m.revision,
    message: m.message,
    file: m.upFile,
    transactional: m.transactional,
    statements: traces,
    held: holdSummary(traces, m.transactional),
    durationMs: tenths(performance.now() - started),
    ...(failed ? { failed } : {}),
  };
}

/** A statement that cannot run in a transaction block: the header's timeouts for the session, then the statement alone. */
async function outsideTransaction(ctx: TraceContext, s: ParsedStatement, settings: string[], then: (ms: number, seen: HeldLocks | undefined) => Promise<void>): Promise<void> {
  const { engine, sampler, pid } = ctx;
  const session = settings.map((x) => x.replace(/^SET LOCAL /, 'SET '));
  if (session.length > 0) await engine.exec(session.join(';\n'));
  try {
    const t0 = performance.now();
    if (sampler && pid !== undefined) {
      const { outcome, locks } = await sampler.during(pid, () => engine.exec(s.text));
      if (outcome.status === 'rejected') throw outcome.reason;
      await then(performance.now() - t0, locks);
    } else {
      await engine.exec(s.text);
      await then(performance.now() - t0, undefined);
    }
  } finally {
    if (session.length > 0) await engine.exec(session.map((x) => `RESET ${/^SET (\S+)/.exec(x)![1]}`).join(';\n')).catch(() => {});
  }
}
