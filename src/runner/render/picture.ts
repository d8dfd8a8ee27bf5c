// What a picture of the revision graph shows, whatever its format: revisions with their
// messages, heads and merges marked, and (when a database is given) which are applied or dirty.
import type { RevisionGraph } from '../graph/graph.js';

export interface PictureInput {
  graph: RevisionGraph;
  message: (revision: string) => string;
  /** Set when a database was read. */
  applied?: ReadonlySet<string>;
  dirty?: ReadonlySet<string>;
  /** The whole graph when `graph` is a part of it (a range): heads and merges are what they are in the whole. */
  whole?: RevisionGraph;
}

export type RevisionKind = { head: boolean; merge: boolean; state?: 'applied' | 'dirty' | 'pending' };

export function kindOf(p: PictureInput, r: string): RevisionKind {
  const state = p.applied === undefined ? undefined : p.applied.has(r) ? 'applied' : p.dirty?.has(r) ? 'dirty' : 'pending';
  const g = p.whole ?? p.graph;
  return { head: g.children(r).length === 0, merge: g.parents(r).length > 1, ...(state ? { state } : {}) };
}
