// Text views of the revision graph: the drawn history, heads and branch points.
import type { History } from '../runner/graph/history.js';
import { drawGraph, graphText } from '../runner/render/ascii.js';
import type { BranchPoint } from '../runner/render/branches.js';
import { newestFirst } from '../runner/render/order.js';
import type { StatusReport } from '../runner/commands/status.js';

/** What a database adds to the picture: applied and dirty revisions, and where it stands. */
export interface Marks {
  applied: Set<string>;
  dirty: Set<string>;
  current: Set<string>;
}

export function marksOf(report: StatusReport): Marks {
  return {
    applied: new Set(report.revisions.filter((r) => r.applied).map((r) => r.revision)),
    dirty: new Set(report.dirty.map((d) => d.revision)),
    current: new Set(report.current),
  };
}

export function tagsOf(history: History, r: string, marks?: Marks): string[] {
  const g = history.graph;
  return [
    g.children(r).length === 0 ? 'head' : '',
    g.parents(r).length > 1 ? 'merge' : '',
    g.children(r).length > 1 ? 'branch point' : '',
    marks?.current.has(r) ? 'current' : '',
    marks?.dirty.has(r) ? 'DIRTY' : '',
  ].filter(Boolean);
}

/** `history`: the graph newest first; `*` applied, `o` not, `!` dirty (marks only with a database). */
export function historyGraphLines(history: History, marks?: Marks, shown?: ReadonlySet<string>): string[] {
  const mark = (r: string) => (!marks ? 'o' : marks.dirty.has(r) ? '!' : marks.applied.has(r) ? '*' : 'o');
  // A range draws only its part of the graph; the tags still say what each revision is in the whole.
  const drawn = shown ? history.graph.restrictedTo(shown) : history.graph;
  const rows = drawGraph(drawn, newestFirst(drawn), mark);
  const lines = graphText(rows, (r) => {
    const tags = tagsOf(history, r, marks);
    return `${r}${tags.length ? ` (${tags.join(', ')})` : ''}  ${history.migrations.get(r)?.message ?? ''}`;
  });
  if (marks) lines.push('', '* applied   o pending   ! dirty (stopped part-way)');
  return lines;
}

export function branchLines(history: History, points: BranchPoint[]): string[] {
  if (points.length === 0) return ['No branch points: the history is a single line.'];
  const lines: string[] = [];
  for (const p of points) {
    lines.push(`${p.revision}  ${history.migrations.get(p.revision)?.message ?? ''}  (${p.branches.length} branches)`);
    for (const b of p.branches) {
      const path = b.revisions.length > 0 ? b.revisions.join(' -> ') : '(no revisions)';
      const end = b.end.kind === 'head' ? 'head' : b.end.kind === 'merge' ? `merged by ${b.end.revision}` : `branches again at ${b.end.revision}`;
      lines.push(`  ${path}  [${end}]`);
    }
  }
  return lines;
}
