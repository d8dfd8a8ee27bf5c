// Read-only views of where a database stands against the files: no lock, no writes, and no
// version table created when there is none yet.
import { findDrift, graphWithApplied, type History } from '../graph/history.js';
import type { DirtyRevision, DriftItem } from '../util/errors.js';
import { dirtyRevision } from '../apply/dirty.js';
import { lockHolder, lockKey, type LockHolder } from '../store/lock.js';
import { findGaps, type Gap } from '../graph/plan.js';
import type { Runner } from './runner.js';
import { splitRows } from '../store/store.js';
import { stoppedAt, type Stopped } from './stopped.js';

export interface RevisionStatus {
  revision: string;
  parents: string[];
  message: string;
  /** Up file as shown to the user; absent when only the database knows the revision. */
  file?: string;
  applied: boolean;
  /** pending, applied, or dirty: running / failed part-way outside a transaction. */
  state: 'pending' | 'applied' | 'running' | 'failed';
  dirty?: DirtyStatus;
  appliedAt?: string;
  appliedBy?: string;
  durationMs?: number | null;
  drift?: DriftItem['kind'];
  /** Its up or down files that hold no SQL statement yet (see drafts.ts); up refuses it until they do. */
  empty?: string[];
  head: boolean;
}

export interface StatusReport {
  database: string;
  versionTable: string;
  /** Oldest first, in the order `up` applies them. */
  revisions: RevisionStatus[];
  /** Applied revisions with no applied child: what Alembic calls "current". */
  current: string[];
  heads: string[];
  pending: string[];
  drift: DriftItem[];
  gaps: Gap[];
  /** Revisions that stopped part-way; `up` refuses to run until they are resumed or resolved. */
  dirty: DirtyStatus[];
  /** Who holds the migration lock, looked up when a revision is marked running. */
  lockHolder?: LockHolder | null;
}

/** A dirty revision, with the statement where it stopped and any INVALID index that left. */
export type DirtyStatus = DirtyRevision & Stopped;

export async function status(runner: Runner, history: History = runner.history()): Promise<StatusReport> {
  // Read-only: no lock, and no version table created; whole rows, for when and by whom.
  const all = (await runner.store.readApplied()) ?? [];
  const { applied, dirty } = splitRows(all);
  const graph = graphWithApplied(history, all);
  const rows = new Map(applied.map((r) => [r.revision, r]));
  const appliedSet = new Set(rows.keys());
  const dirtyRows = new Map<string, DirtyStatus>();
  for (const r of dirty) {
    const d = dirtyRevision(r);
    dirtyRows.set(r.revision, { ...d, ...(await stoppedAt(runner.engine, runner.store, d)) });
  }
  const drift = findDrift(history, applied);
  const driftOf = new Map(drift.map((d) => [d.revision, d.kind]));
  const heads = new Set(graph.heads());
  const revisions = graph.order.map((revision): RevisionStatus => {
    const m = history.migrations.get(revision);
    const row = rows.get(revision);
    const d = dirtyRows.get(revision);
    return {
      revision,
      parents: graph.parents(revision),
      message: m?.message ?? row?.message ?? '',
      ...(m ? { file: m.upFile } : {}),
      applied: row !== undefined,
      state: row ? 'applied' : d ? d.state : 'pending',
      ...(d ? { dirty: d } : {}),
      ...(row ? { appliedAt: row.appliedAt.toISOString(), appliedBy: row.appliedBy, durationMs: row.durationMs } : {}),
      ...(driftOf.has(revision) ? { drift: driftOf.get(revision)! } : {}),
      ...(history.empty?.has(revision) ? { empty: history.empty.get(revision)! } : {}),
      head: heads.has(revision),
    };
  });
  return {
    database: runner.engine.description,
    versionTable: runner.store.name,
    revisions,
    current: graph.current(appliedSet),
    heads: [...heads],
    pending: revisions.filter((r) => r.state === 'pending').map((r) => r.revision),
    drift,
    gaps: findGaps(graph, appliedSet),
    dirty: [...dirtyRows.values()],
    ...(dirty.some((r) => r.state === 'running') && runner.engine.capabilities.advisoryLocks
      ? { lockHolder: (await lockHolder(runner.engine, lockKey(runner.store.schema, runner.store.table))) ?? null }
      : {}),
  };
}
