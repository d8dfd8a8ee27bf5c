// Branch points and the branches that leave them, for `pgstrata branches`. Pure.
import type { RevisionGraph } from '../graph/graph.js';

export interface Branch {
  /** The branch's revisions, oldest first, up to where it ends (a merge revision is not part of it). */
  revisions: string[];
  /** A head; a merge revision that joins it with another branch; or a further branch point. */
  end: { kind: 'head' | 'merge' | 'branchpoint'; revision: string };
}

export interface BranchPoint {
  revision: string;
  branches: Branch[];
}

function follow(graph: RevisionGraph, start: string): Branch {
  const revisions: string[] = [];
  for (let r = start; ; ) {
    if (graph.parents(r).length > 1) return { revisions, end: { kind: 'merge', revision: r } };
    revisions.push(r);
    const children = graph.children(r);
    if (children.length === 0) return { revisions, end: { kind: 'head', revision: r } };
    if (children.length > 1) return { revisions, end: { kind: 'branchpoint', revision: r } };
    r = children[0]!;
  }
}

/** Every revision with more than one child, oldest first, with where each of its branches goes. */
export function branchPoints(graph: RevisionGraph): BranchPoint[] {
  return graph.order
    .filter((r) => graph.children(r).length > 1)
    .map((revision) => ({ revision, branches: graph.sort(graph.children(revision)).map((c) => follow(graph, c)) }));
}
