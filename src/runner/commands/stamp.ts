// `stamp`: make the version table say the database is at a target without running any SQL,
// for a database whose schema got there some other way.
import { refuseDirty } from '../apply/dirty.js';
import { UsageError } from '../util/errors.js';
import type { Runner, RunResult, Session, StepResult } from './runner.js';
import { readDown } from '../source/source.js';
import { versionRecord } from '../apply/steps.js';
import type { Statement } from '../store/store.js';
import { appliedAt, parseTarget } from '../graph/target.js';

/**
 * Records the target and its ancestors as applied, and removes applied revisions above a
 * revision target. Nothing else is touched; all of it commits together.
 */
export async function stamp(runner: Runner, target: string, options: { dryRun?: boolean } = {}): Promise<RunResult> {
  const history = runner.history();
  return runner.session(history, !options.dryRun, async (s) => {
    refuseDirty(s.dirty, 'stamp');
    const spec = parseTarget(s.graph, target);
    const wanted = appliedAt(s.graph, spec, 'stamp');
    const add = [...wanted].filter((r) => !s.appliedSet.has(r));
    // base removes everything; a revision removes what was built on it; heads removes nothing.
    const above = spec.kind === 'revision' ? s.graph.descendants([spec.revision]) : undefined;
    const remove = spec.kind === 'base' ? [...s.appliedSet] : above ? [...s.appliedSet].filter((r) => above.has(r)) : [];
    return writeStamp(runner, s, add, remove, !!options.dryRun);
  });
}

/**
 * Records `add` as applied and removes `remove`, without running SQL: all of it in one
 * transaction, each change in the event log (stamp / unstamp).
 */
export async function writeStamp(runner: Runner, s: Session, addSet: Iterable<string>, removeSet: Iterable<string>, dryRun: boolean): Promise<RunResult> {
  const add = s.graph.sort(addSet);
  const remove = s.graph.sort([...removeSet].filter((r) => s.graph.has(r))).reverse();
  const statements: Statement[] = [];
  const steps: StepResult[] = [];
  for (const r of remove) {
    statements.push(...runner.store.recordDown(r, { kind: 'client', durationMs: null }, 'unstamp'));
    steps.push({ revision: r, direction: 'down', message: s.history.migrations.get(r)?.message ?? '', file: s.history.migrations.get(r)?.upFile ?? '' });
  }
  for (const r of add) {
    const m = s.history.migrations.get(r);
    if (!m) throw new UsageError(`cannot stamp ${r}: it has no up file`);
    statements.push(...runner.store.recordUp(versionRecord(m, readDown(m)), { kind: 'client', durationMs: null }, 'stamp'));
    steps.push({ revision: r, direction: 'up', message: m.message, file: m.upFile });
  }
  if (dryRun || statements.length === 0) return { steps, dryRun };
  await runner.store.runTogether(statements);
  return { steps, dryRun: false };
}
