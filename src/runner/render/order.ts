// The order the pictures list revisions in: newest first, every revision after all of its
// children, and each line of history kept together (git's --topo-order): a depth-first walk from
// the heads that follows first parents, so two branches' revisions are not interleaved.
import type { RevisionGraph } from '../graph/graph.js';

export function newestFirst(graph: RevisionGraph): string[] {
  const position = new Map(graph.order.map((r, i) => [r, i]));
  const childrenLeft = new Map(graph.order.map((r) => [r, graph.children(r).length]));
  // The head that comes last in topological order is drawn first (on top).
  const stack = graph.heads().sort((a, b) => position.get(a)! - position.get(b)!);
  const out: string[] = [];
  while (stack.length > 0) {
    const r = stack.pop()!;
    out.push(r);
    // Pushed in reverse, so the first parent is walked next and stays in the child's column.
    for (const p of [...graph.parents(r)].reverse()) {
      const left = childrenLeft.get(p)! - 1;
      childrenLeft.set(p, left);
      if (left === 0) stack.push(p);
    }
  }
  return out;
}
