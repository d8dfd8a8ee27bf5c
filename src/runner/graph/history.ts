// The migration files as a validated graph, optionally widened with revisions that only the
// database still knows (applied on another branch, files since removed).
import { DriftError, SourceError, type DriftItem, type Problem } from '../util/errors.js';
import { RevisionGraph } from './graph.js';
import { join } from 'node:path';
import { displayPath, scanSource, type Migration, type ScannedSource } from '../source/source.js';

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
  return historyOf(dir, scanSource(dir));
}

/**
 * The validated graph of what scanSource found. The graph of the files that parsed is checked
 * even when others did not, so that one run reports unknown parents and cycles together with
 * the file problems; every problem not `tolerated` (drafts.ts tolerates empty files) is one
 * SourceError.
 */
export function historyOf(dir: string, scan: ScannedSource, tolerated: (p: Problem) => boolean = () => false): History {
  const migrations = new Map(scan.migrations.map((m) => [m.revision, m]));
  const built = RevisionGraph.build(scan.migrations, (r) => migrations.get(r)!.upFile, { rejected: scan.rejectedRevisions });
  const problems = [...scan.problems, ...built.problems];
  const graph = built.graph;
  if (!graph || problems.some((p) => !tolerated(p))) throw new SourceError(problems);
  return { migrations, graph, upDir: displayPath(join(dir, 'up')) };
}

export function fileOf(history: History, revision: string): string {
  return history.migrations.get(revision)?.upFile ?? `revision ${revision} (in the database; no file)`;
}

/** The file graph plus applied revisions that have no file, with the parents recorded for them. */
/** What the graph needs of an applied revision: the version table's row satisfies it. */
export interface RecordedParents {
  revision: string;
  parents: string[];
}

/** What drift needs of an applied revision: the checksum of the up file it ran. */
export interface RecordedChecksum {
  revision: string;
  checksum: string;
}

export function graphWithApplied(history: History, applied: RecordedParents[]): RevisionGraph {
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
export function findDrift(history: History, applied: RecordedChecksum[]): DriftItem[] {
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
