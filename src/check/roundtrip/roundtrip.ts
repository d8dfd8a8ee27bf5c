// The round trip: on a scratch database, for each revision in graph order, snapshot the schema,
// run its up, run its down, compare, and run the up again to go on. Steps go through runStep,
// the runner's own apply path, so what is checked is what `up` and `down` will do.
//
// Every revision is checked in one run. When a revision leaves the database unlike what its
// history builds (its down left or dropped something, its up failed when run again, a step
// outside a transaction stopped half-way), the database is reset to its starting state and the
// ups applied so far are replayed, so the revisions after it see the schema they would in real
// life. Only a revision whose up fails keeps its descendants from running.
import { runStep } from '../../runner/apply/apply.js';
import type { Engine } from '../../runner/engines/engine.js';
import { MigrationError, SourceError } from '../../runner/util/errors.js';
import type { History } from '../../runner/graph/history.js';
import { silentLogger, type Logger } from '../../runner/util/logger.js';
import { toDbError } from '../../runner/apply/pgerror.js';
import { readDown, type DownScript, type Migration } from '../../runner/source/source.js';
import { quoteIdent } from '../../runner/util/sqlstring.js';
import { downStep, upStep, type StepScript } from '../../runner/apply/steps.js';
import { Store } from '../../runner/store/store.js';
import { Baseline } from './baseline.js';
import { compareSnapshots, type Difference } from './diff.js';
import { finding, type Finding } from '../findings/findings.js';
import { locateFailure } from './locate.js';
import { Snapshotter } from './snapshot.js';
import { IncrementalSnapshots } from './incremental.js';
import type { DefectCounts } from '../findings/format.js';

export type Phase = 'up' | 'down' | 'up again' | 'rebuild';

export interface RoundtripOptions {
  history: History;
  /** A database that starts empty: the round trip drops and recreates its schemas. */
  engine: Engine;
  logger?: Logger;
  /** Where the version table goes; left out of snapshots and dropped at the end. */
  schema?: string;
  /** The state to reset to, when the caller recorded it (with a prelude: Baseline.withPrelude). */
  baseline?: Baseline;
  /** Files the static check found unable to run (a syntax error): not run, reported there. */
  broken?: ReadonlySet<string>;
  onProgress?(p: { index: number; total: number; revision: string; phase: Phase }): void;
}

export interface RoundtripResult {
  findings: Finding[];
  /** Revisions whose up and down both ran. */
  checked: number;
  /** Revisions not run, and why. */
  skipped: { revision: string; reason: string }[];
  defects: DefectCounts;
}


function differenceFinding(d: Difference, revision: string, down: DownScript): Finding {
  const what = `${d.kind} ${d.name}`;
  const fix: Record<Difference['change'], string | undefined> = {
    left: `The down must remove what the up created: drop ${what} in ${down.file}.`,
    removed: `The down must restore ${what} as it was before the up, and drop nothing the up did not create.`,
    changed: `The down must restore ${what} exactly as it was before the up.`,
    order: undefined,
  };
  return finding(d.change === 'order' ? 'roundtrip-column-order' : 'roundtrip-difference', { file: down.file }, `${d.message} (revision ${revision})`, { fix: fix[d.change], revision });
}

const errorText = (db: { sqlstate?: string | undefined; message: string }) => `ERROR${db.sqlstate ? ` ${db.sqlstate}` : ''}: ${db.message}`;

/**
 * The fix for a failed step. An object that does not exist (a type, an operator class, a function)
 * is often an extension's, which a real database got outside the migrations.
 */
function failureFix(db: { sqlstate?: string | undefined; message: string }): string {
  if (db.sqlstate === '42704' || db.sqlstate === '42883') {
    return 'If it comes from an extension (hstore, pg_trgm\'s gin_trgm_ops, …) that the database got outside the migrations, create the extension in a prelude: check --roundtrip --prelude FILE (or "prelude" in pgstrata.json). Otherwise fix the SQL at the position shown.';
  }
  if (db.sqlstate === '58P01' || /extension .* is not available/.test(db.message)) {
    return 'The scratch database\'s server does not have this extension: run the round trip with --url on a server that has it installed.';
  }
  return 'Fix the SQL at the position shown; a down must undo exactly what its up did.';
}

export async function roundtrip(options: RoundtripOptions): Promise<RoundtripResult> {
  const { history, engine } = options;
  const logger = options.logger ?? silentLogger;
  const schema = options.schema ?? 'pgstrata_check';
  // Before the version table exists: it is not part of the state to go back to.
  const baseline = options.baseline ?? (await Baseline.record(engine, schema));
  const broken = options.broken ?? new Set<string>();
  const defects: DefectCounts = { upFails: 0, downFails: 0, notRestored: 0, leftovers: 0, columnOrder: 0 };
  const store = new Store(engine, { schema, table: 'pgstrata_version' });
  await store.ensure();
  const snapshots = new Snapshotter(engine, schema);
  // Two snapshots per revision: re-reading only what changed keeps a long history linear.
  const schemaNow = new IncrementalSnapshots(engine, schema, snapshots);
  const findings: Finding[] = [];
  const skipped: RoundtripResult['skipped'] = [];
  /** Revision -> the revision whose failed up keeps it from running. */
  const blocked = new Map<string, string>();
  /** The revisions whose up the scratch database holds, in the order they ran, with their downs. */
  const applied: [Migration, DownScript | undefined][] = [];
  let checked = 0;

  /** Runs a step; a failure becomes a finding and returns false. */
  const attempt = async (step: StepScript, phase: Phase): Promise<boolean> => {
    try {
      await runStep({ engine, logger }, step);
      return true;
    } catch (e) {
      if (!(e instanceof MigrationError)) throw e;
      const again = phase === 'up again' ? ' when run again after its down' : '';
      const at = e.location.line === undefined ? { ...e.location, ...(await locateFailure(engine, step)) } : e.location;
      findings.push(finding('roundtrip-failed', at, `${step.direction} of ${step.revision} failed${again}: ${errorText(e.db)}`, { revision: step.revision, fix: failureFix(e.db) }));
      if (step.direction === 'down') defects.downFails++;
      else defects.upFails++;
      return false;
    }
  };

  /** Back to the starting state, then the ups applied so far; undefined, or why it could not be done. */
  const rebuild = async (): Promise<string | undefined> => {
    try {
      await baseline.reset();
      await store.ensure();
    } catch (e) {
      return `resetting the scratch database failed: ${errorText(toDbError(e))}`;
    }
    for (const [m, down] of applied) {
      try {
        await runStep({ engine, logger }, upStep(m, down, store));
      } catch (e) {
        if (!(e instanceof MigrationError)) throw e;
        return `replaying the up of ${m.revision} failed: ${errorText(e.db)}`;
      }
    }
    return undefined;
  };

  const order = history.graph.order;
  try {
    for (const [index, revision] of order.entries()) {
      const m = history.migrations.get(revision)!;
      const progress = (phase: Phase) => options.onProgress?.({ index, total: order.length, revision, phase });
      /** Rebuilds the state after `what`; false (and the rest skipped) when it cannot be. */
      const rebuilt = async (what: string): Promise<boolean> => {
        progress('rebuild');
        const failure = await rebuild();
        if (failure === undefined) return true;
        for (const r of order.slice(index + 1)) skipped.push({ revision: r, reason: `the scratch database could not be rebuilt after ${what}: ${failure}` });
        return false;
      };
      const stuck = history.graph.parents(revision).find((p) => blocked.has(p));
      if (stuck) {
        const cause = blocked.get(stuck)!;
        blocked.set(revision, cause);
        skipped.push({ revision, reason: stuck === cause ? `its parent ${stuck} failed its up` : `its ancestor ${cause} failed its up` });
        continue;
      }
      let down: DownScript | undefined;
      let downProblem: string | undefined;
      try {
        down = readDown(m);
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        downProblem = e.problems[0]?.message ?? e.message;
      }
      if (broken.has(m.upFile)) {
        blocked.set(revision, revision);
        skipped.push({ revision, reason: `its up file ${m.upFile} cannot run (see its findings)` });
        continue;
      }
      const before = await schemaNow.take();
      progress('up');
      if (!(await attempt(upStep(m, down, store), 'up'))) {
        blocked.set(revision, revision);
        // Outside a transaction, the statements before the failing one stay applied.
        if (!m.transactional && !(await rebuilt(`the failed up of ${revision}`))) break;
        continue;
      }
      applied.push([m, down]);
      if (downProblem !== undefined) {
        skipped.push({ revision, reason: `its down file is invalid: ${downProblem}; its up ran, its down was not checked` });
        continue;
      }
      if (!down) {
        skipped.push({ revision, reason: 'declared irreversible: its up ran, there is no down to check' });
        continue;
      }
      if (broken.has(down.file)) {
        skipped.push({ revision, reason: `its down file ${down.file} cannot run (see its findings); its up ran, its down was not checked` });
        continue;
      }
      progress('down');
      if (!(await attempt(downStep(revision, down, m, store), 'down'))) {
        // Rolled back: the revision is still applied, as the history says. Outside a
        // transaction the down stopped half-way, and the schema is neither.
        if (!down.transactional && !(await rebuilt(`the failed down of ${revision}`))) break;
        continue;
      }
      const after = await schemaNow.take();
      const differences = compareSnapshots(before, after);
      findings.push(...differences.map((d) => differenceFinding(d, revision, down)));
      for (const d of differences) {
        if (d.change === 'order') defects.columnOrder++;
        else if (d.change === 'left') defects.leftovers++;
        else defects.notRestored++;
      }
      checked++;
      if (differences.some((d) => d.change !== 'order')) {
        // Running the up again on what the down left would mostly repeat those differences
        // ("already exists"); the later revisions need the schema the history builds.
        if (!(await rebuilt(`the down of ${revision}`))) break;
        continue;
      }
      progress('up again');
      if (!(await attempt(upStep(m, down, store), 'up again')) && !(await rebuilt(`the up of ${revision} failed when run again`))) break;
    }
  } finally {
    await schemaNow.close();
    await snapshots.close();
    await engine.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => {});
  }
  return { findings, checked, skipped, defects };
}
