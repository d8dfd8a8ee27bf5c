// `stamp`: make the version table say the database is at a target without running any SQL,
// for a database whose schema got there some other way.
import { refuseDirty } from './dirty.js';
import { UsageError } from './errors.js';
import type { Runner, RunResult, Session, StepResult } from './runner.js';
import { readDown } from './source.js';
import { versionRecord } from './steps.js';
import { Store, type Statement } from './store.js';
import { parseTarget } from './target.js';

/**
 * Records the target and its ancestors as applied, and removes applied revisions above a
 * revision target. Nothing else is touched; all of it commits together.
 */
export async function stamp(runner: Runner, target: string, options: { dryRun?: boolean } = {}): Promise<RunResult> {
  const history = runner.history();
  return runner.session(history, !options.dryRun, async (s) => {
    refuseDirty(s.dirty, 'stamp');
    const spec = parseTarget(s.graph, target);
    let add: string[] = [];
    let remove: string[] = [];
    const applied = s.appliedSet;
    if (spec.kind === 'relative') throw new UsageError('stamp takes a revision, head, heads or base, not a relative step');
    if (spec.kind === 'base') {
      remove = [...applied];
    } else {
      const heads = s.graph.heads();
      if (spec.kind === 'head' && heads.length > 1) throw new UsageError(`there are ${heads.length} heads (${heads.join(', ')}): name one, or use "heads"`);
      const targets = spec.kind === 'revision' ? [spec.revision] : heads;
      const wanted = s.graph.ancestors(targets);
      for (const t of targets) wanted.add(t);
      add = [...wanted].filter((r) => !applied.has(r));
      if (spec.kind === 'revision') {
        const above = s.graph.descendants([spec.revision]);
        remove = [...applied].filter((r) => above.has(r));
      }
    }
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
  if (runner.engine.capabilities.transactionalDdl) {
    await runner.engine.exec(`BEGIN;\n${Store.inline(statements)}\nCOMMIT;`);
  } else {
    for (const st of statements) await runner.engine.query(st.text, st.params);
  }
  return { steps, dryRun: false };
}
