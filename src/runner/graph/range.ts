// `history -r FROM:TO` and `--limit N`, as Alembic takes them: the revisions that descend from FROM
// (itself included) and lead to TO (itself included). An empty side, or `base`, is the start of
// history; an empty side, `head` or `heads`, its end. Pure.
import { UsageError } from '../util/errors.js';
import type { RevisionGraph } from './graph.js';
import { resolveRevision } from './target.js';

export interface Selection {
  range?: string;
  limit?: number;
}

function side(graph: RevisionGraph, text: string, end: 'from' | 'to'): string[] | undefined {
  const t = text.trim();
  if (t === '' || (end === 'from' && t === 'base') || (end === 'to' && (t === 'head' || t === 'heads'))) return undefined;
  if (t === 'base' || t === 'head' || t === 'heads') throw new UsageError(`-r: "${t}" cannot be the ${end === 'from' ? 'start' : 'end'} of a range; write base:…, …:head, or a revision`);
  return [resolveRevision(graph, t)];
}

/** The revisions to show, or undefined for all of them. */
export function selectRevisions(graph: RevisionGraph, s: Selection): Set<string> | undefined {
  if (s.range === undefined && s.limit === undefined) return undefined;
  let chosen: string[] = graph.order;
  if (s.range !== undefined) {
    const parts = s.range.split(':');
    if (parts.length !== 2) throw new UsageError(`-r "${s.range}": write FROM:TO (a revision id or prefix, base or head on either side; either side may be empty)`);
    const from = side(graph, parts[0]!, 'from');
    const to = side(graph, parts[1]!, 'to');
    const after = from ? new Set([...from, ...graph.descendants(from)]) : undefined;
    const before = to ? new Set([...to, ...graph.ancestors(to)]) : undefined;
    chosen = chosen.filter((r) => (!after || after.has(r)) && (!before || before.has(r)));
    if (chosen.length === 0) throw new UsageError(`-r ${s.range}: ${parts[1]} does not descend from ${parts[0]}, so the range is empty; put the older revision first`);
  }
  if (s.limit !== undefined) {
    if (!Number.isInteger(s.limit) || s.limit < 1) throw new UsageError(`--limit ${s.limit}: give a whole number of revisions, 1 or more`);
    // Newest first in topological order: the last N.
    chosen = chosen.slice(-s.limit);
  }
  return new Set(chosen);
}
