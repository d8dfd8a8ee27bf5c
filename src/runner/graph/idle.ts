// Why a run had nothing to do, in one true sentence. Pure. "The database is at head" is said
// only when it is: `up 2c43` at d3ea has nothing to do although f45c is pending.
import type { RevisionGraph } from './graph.js';
import { parseTarget } from './target.js';

const revisions = (n: number) => `${n} revision${n === 1 ? '' : 's'}`;

/** For an `up` whose plan came out empty. */
export function nothingToApply(graph: RevisionGraph, applied: ReadonlySet<string>, target: string): string {
  if (graph.size === 0) return 'Nothing to apply: there are no revisions.';
  const spec = parseTarget(graph, target);
  if (spec.kind === 'base') return 'Nothing to apply: base is where the history starts (`up` applies every pending revision).';
  const pending = graph.order.filter((r) => !applied.has(r));
  if (spec.kind !== 'revision') {
    const heads = graph.heads();
    return pending.length === 0 && heads.length > 1 ? `Nothing to apply: the database is at every head (${heads.join(', ')}).` : 'Nothing to apply: the database is at head.';
  }
  const above = graph.descendants([spec.revision]);
  const pendingAbove = pending.filter((r) => above.has(r)).length;
  const elsewhere = pending.length - pendingAbove;
  const them = (n: number) => (n === 1 ? 'it' : 'them');
  if (pendingAbove > 0) return `Nothing to apply: ${spec.revision} is already applied (${revisions(pendingAbove)} pending above it; \`up\` applies ${them(pending.length)}).`;
  if (elsewhere > 0) return `Nothing to apply: ${spec.revision} is already applied (${revisions(elsewhere)} pending on other branches; \`up\` applies ${them(elsewhere)}).`;
  return `Nothing to apply: ${spec.revision} is already applied, and the database is at head.`;
}

/** For a `down` whose plan came out empty (`target` undefined: `down --resume` with nothing to resume). */
export function nothingToRevert(graph: RevisionGraph, applied: ReadonlySet<string>, target: string | undefined): string {
  const at = graph.current(applied);
  if (at.length === 0) return 'Nothing to revert: no revision is applied.';
  if (target === undefined) return 'Nothing to revert: no down stopped part-way (`down` without --resume reverts one revision).';
  const spec = parseTarget(graph, target);
  if (spec.kind !== 'revision') return 'Nothing to revert.';
  if (at.length === 1 && at[0] === spec.revision) {
    return `Nothing to revert: ${spec.revision} is the current revision (down to a revision keeps it applied; \`down -1\` reverts it).`;
  }
  return `Nothing to revert: no revision above ${spec.revision} is applied (current: ${at.join(', ')}).`;
}
