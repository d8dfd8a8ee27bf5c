// The migration files as a validated graph, optionally widened with revisions that only the
// database still knows (applied on another branch, files since removed).
import { DriftError, SourceError, type DriftItem } from './errors.js';
import { RevisionGraph } from './graph.js';
import { join } from 'node:path';
import { displayPath, readSource, type Migration } from './source.js';
import type { AppliedMark, AppliedRow } from './store.js';

export interface History {
  migrations: Map<string, Migration>;
  graph: RevisionGraph;
  /** The up directory as shown to the user. */
  upDir: string;
  /**
   * Set only by drafts.ts's loader: revisions whose up or down file has no SQL statement yet
   * (revision -> those files). A history loaded here has none: they are errors.
   */
  empty?: ReadonlyMap<string, string[]>;
}

/** Reads and validates the whole directory; every problem is reported in one SourceError. */
export function loadHistory(dir: string): History {
  return historyOf(dir, readSource(dir));
}

/** The validated graph of `list`; a dangling parent or a cycle is a SourceError. */
export function historyOf(dir: string, list: Migration[]): History {
  const migrations = new Map(list.map((m) => [m.revision, m]));
  const { graph, problems } = RevisionGraph.build(list, (r) => migrations.get(r)!.upFile);
  if (!graph) throw new SourceError(problems);
  return { migrations, graph, upDir: displayPath(join(dir, 'up')) };
}

export function fileOf(history: History, revision: string): string {
  return history.migrations.get(revision)?.upFile ?? `revision ${revision} (in the database; no file)`;
}

/** The file graph plus applied revisions that have no file, with the parents recorded for them. */
export function graphWithApplied(history: History, applied: Pick<AppliedRow, 'revision' | 'parents'>[]): RevisionGraph {
  const orphans = applied.filter((r) => !history.migrations.has(r.revision));
  if (orphans.length === 0) return history.graph;
  const known = new Set([...history.migrations.keys(), ...orphans.map((r) => r.revision)]);
  const nodes = [
    ...history.migrations.values(),
    ...orphans.map((r) => ({ revision: r.revision, parents: r.parents.filter((p) => known.has(p)) })),
  ];
  const { graph, problems } = RevisionGraph.build(nodes, (r) => fileOf(history, r));
  if (!graph) throw new SourceError(problems);
  return graph;
}

/** Applied revisions whose up file changed since it ran, or is gone. CRLF-only edits are not drift. */
export function findDrift(history: History, applied: AppliedMark[]): DriftItem[] {
  const items: DriftItem[] = [];
  for (const row of applied) {
    const m = history.migrations.get(row.revision);
    if (!m) items.push({ revision: row.revision, file: join(history.upDir, `${row.revision}_*.sql`), kind: 'missing' });
    else if (m.checksum !== row.checksum) items.push({ revision: row.revision, file: m.upFile, kind: 'changed' });
  }
  return items;
}

export function assertNoDrift(items: DriftItem[]): void {
  if (items.length > 0) throw new DriftError(items);
}
