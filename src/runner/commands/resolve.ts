// `resolve <rev> --applied | --rolled-back`: the user says how a dirty revision ended after
// finishing or undoing its statements by hand. `--applied` means the interrupted run (up or down)
// is complete, `--rolled-back` that what it ran was undone. Under the lock, in one transaction, logged.
import { describeDirty, dirtyRevision } from '../apply/dirty.js';
import { UsageError, type DirtyRevision } from '../util/errors.js';
import { Journal } from '../store/journal.js';
import type { Runner } from './runner.js';
import { readDown } from '../source/source.js';
import type { Statement } from '../store/store.js';
import { versionRecord } from '../apply/steps.js';
import { resolveRevision } from '../graph/target.js';

export type Resolution = 'applied' | 'rolled-back';

export interface ResolveResult {
  revision: string;
  resolution: Resolution;
  /** What the journal said before. */
  was: DirtyRevision;
  /** Whether the revision is applied now: finished up or undone down. */
  applied: boolean;
  dryRun: boolean;
}

export async function resolve(runner: Runner, revisionText: string, resolution: Resolution, options: { dryRun?: boolean } = {}): Promise<ResolveResult> {
  const history = runner.history();
  return runner.session(history, !options.dryRun, async (s) => {
    const revision = resolveRevision(s.graph, revisionText);
    const row = s.dirty.find((r) => r.revision === revision);
    if (!row) {
      const state = s.appliedSet.has(revision) ? 'is applied' : 'is not applied';
      const others = s.dirty.length ? ` Dirty: ${s.dirty.map((r) => r.revision).join(', ')}.` : ' No revision is dirty.';
      throw new UsageError(`${revision} ${state}, not dirty: there is nothing to resolve.${others}`);
    }
    const was = dirtyRevision(row);
    const journal = new Journal(runner.store);
    let statements: Statement[];
    if (was.direction === 'down') {
      statements = resolution === 'applied' ? journal.resolveDownFinished(revision) : journal.resolveDownUndone(revision);
    } else if (resolution === 'applied') {
      const m = history.migrations.get(revision);
      if (!m) throw new UsageError(`${revision} has no up file here, so its checksums cannot be recorded; restore the file, or resolve it --rolled-back`);
      statements = journal.resolveApplied(versionRecord(m, readDown(m)));
    } else {
      statements = journal.resolveRolledBack(revision);
    }
    const applied = (was.direction === 'up') === (resolution === 'applied');
    runner.logger.info({ event: 'resolve', revision, resolution, direction: was.direction, was: describeDirty(was) }, `resolving the ${was.direction} of ${revision} as ${resolution}`);
    if (!options.dryRun) await runner.store.runTogether(statements);
    return { revision, resolution, was, applied, dryRun: !!options.dryRun };
  });
}
