// Pure planning: (graph, applied set, target) -> ordered steps. The graph and the applied set
// decide; timestamps never do, so a revision merged late from a branch is applied, not skipped.
import { SourceError, UsageError, type Problem } from '../util/errors.js';
import type { RevisionGraph } from './graph.js';
import { parseTarget, singleHead } from './target.js';

export interface Step {
  revision: string;
  direction: 'up' | 'down';
}

/** An applied revision whose parent is not applied: history was rewritten under it. */
export interface Gap {
  missing: string;
  appliedChild: string;
}

export function findGaps(graph: RevisionGraph, applied: ReadonlySet<string>): Gap[] {
  const gaps: Gap[] = [];
  for (const r of graph.order) {
    if (!applied.has(r)) continue;
    for (const p of graph.parents(r)) if (!applied.has(p)) gaps.push({ missing: p, appliedChild: r });
  }
  return gaps;
}

function gapProblems(gaps: Gap[], fileOf: (revision: string) => string): Problem[] {
  return gaps.map((g) => ({
    file: fileOf(g.missing),
    message: `revision ${g.missing} is not applied, but its child ${g.appliedChild} is`,
    hint: `It was inserted into the history after ${g.appliedChild} ran. Make it a child of the current head instead, or record it with \`pgstrata stamp\` if its changes are already in the database.`,
  }));
}

/** Steps that bring the database up to `target`, parents first. */
export function planUp(graph: RevisionGraph, applied: ReadonlySet<string>, target: string, fileOf: (r: string) => string): Step[] {
  const gaps = findGaps(graph, applied);
  if (gaps.length > 0) throw new SourceError(gapProblems(gaps, fileOf), 'applied revisions are missing an ancestor');
  const spec = parseTarget(graph, target);
  let targets: string[];
  switch (spec.kind) {
    case 'base':
      return [];
    case 'head':
      targets = singleHead(graph);
      break;
    case 'heads':
      targets = graph.heads();
      break;
    case 'revision':
      targets = [spec.revision];
      break;
    case 'relative': {
      if (spec.steps < 0) throw new UsageError(`up ${target}: going back is \`down ${target}\``);
      const all = pending(graph, applied, graph.heads());
      if (all.length < spec.steps) {
        throw new UsageError(`up ${target}: only ${all.length} revision${all.length === 1 ? ' is' : 's are'} pending`);
      }
      return all.slice(0, spec.steps).map((revision) => ({ revision, direction: 'up' }));
    }
  }
  return pending(graph, applied, targets).map((revision) => ({ revision, direction: 'up' }));
}

/**
 * The unapplied revisions the targets need, parents first. The walk stops at applied revisions:
 * findGaps has made sure that their ancestors are applied too, so at head it does nothing.
 */
function pending(graph: RevisionGraph, applied: ReadonlySet<string>, targets: string[]): string[] {
  const stack = targets.filter((t) => !applied.has(t));
  const needed = new Set(stack);
  while (stack.length > 0) {
    for (const p of graph.parents(stack.pop()!)) {
      if (applied.has(p) || needed.has(p)) continue;
      needed.add(p);
      stack.push(p);
    }
  }
  return graph.sort(needed);
}

/** Steps that take the database down to `target`, children first. */
export function planDown(graph: RevisionGraph, applied: ReadonlySet<string>, target: string): Step[] {
  const spec = parseTarget(graph, target);
  const appliedNewestFirst = graph.sort([...applied].filter((r) => graph.has(r))).reverse();
  let remove: string[];
  switch (spec.kind) {
    case 'base':
      remove = appliedNewestFirst;
      break;
    case 'relative':
      if (spec.steps > 0) throw new UsageError(`down ${target}: going forward is \`up ${target}\``);
      if (appliedNewestFirst.length < -spec.steps) {
        throw new UsageError(`down ${target}: only ${appliedNewestFirst.length} revision${appliedNewestFirst.length === 1 ? ' is' : 's are'} applied`);
      }
      remove = appliedNewestFirst.slice(0, -spec.steps);
      break;
    case 'revision': {
      if (!applied.has(spec.revision)) {
        throw new UsageError(`down ${target}: ${spec.revision} is not applied; down goes back to an applied revision, -N, or base`);
      }
      const above = graph.descendants([spec.revision]);
      remove = appliedNewestFirst.filter((r) => above.has(r));
      break;
    }
    default:
      throw new UsageError(`down ${target}: down takes a revision, -N or base`);
  }
  return remove.map((revision) => ({ revision, direction: 'down' }));
}
