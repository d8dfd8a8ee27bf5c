// The revision DAG. Pure: built from (revision, parents) pairs, never from files or a database.
import type { Problem } from '../util/errors.js';
import { StringMinHeap } from './heap.js';

export interface GraphNode {
  revision: string;
  parents: string[];
  /** Where the parents are declared (the `down_revision` header line), for problems. */
  parentsLine?: number;
}

export interface BuildOptions {
  /** Revisions whose files were rejected for problems of their own: naming one as a parent is not reported again. */
  rejected?: ReadonlySet<string>;
}

export class RevisionGraph {
  /** Every revision, parents before children, ties broken by revision id. */
  readonly order: string[];
  private positions?: Map<string, number>;

  private constructor(
    private readonly parentMap: Map<string, string[]>,
    private readonly childMap: Map<string, string[]>,
    order: string[],
  ) {
    this.order = order;
  }

  /**
   * Builds the graph, or reports every dangling parent and every cycle, both in one go. `fileOf`
   * names the file a problem belongs to.
   */
  static build(nodes: GraphNode[], fileOf: (revision: string) => string, options: BuildOptions = {}): { graph?: RevisionGraph; problems: Problem[] } {
    const problems: Problem[] = [];
    // The maps the graph keeps are built once and also drive the topological sort.
    const parentMap = new Map<string, string[]>();
    const childMap = new Map<string, string[]>();
    for (const n of nodes) {
      parentMap.set(n.revision, n.parents);
      childMap.set(n.revision, []);
    }
    let dangling = false;
    for (const n of nodes) {
      for (const p of n.parents) {
        const c = childMap.get(p);
        if (c) {
          c.push(n.revision);
          continue;
        }
        dangling = true;
        if (options.rejected?.has(p)) continue;
        const line = n.parentsLine === undefined ? {} : { line: n.parentsLine };
        problems.push({ file: fileOf(n.revision), ...line, message: `down_revision names ${p}, which no up file defines`, hint: 'Fix the id (see `pgstrata history`), or restore the missing revision\'s files.' });
      }
    }
    // Cycles are looked for among the known parents, so a dangling parent does not hide them.
    const known = dangling ? new Map([...parentMap].map(([r, ps]) => [r, ps.filter((p) => parentMap.has(p))])) : parentMap;
    const order = topologicalOrder(known, childMap);
    if (order.length < nodes.length) {
      for (const cycle of findCycles(known, new Set(order))) {
        const path = [...cycle, cycle[0]].join(' -> ');
        for (const r of cycle) problems.push({ file: fileOf(r), message: `revision ${r} is part of a cycle: ${path}`, hint: 'A revision cannot descend from itself; fix the down_revision of one of these files.' });
      }
    }
    if (dangling || problems.length > 0) return { problems };
    return { graph: new RevisionGraph(parentMap, childMap, order), problems };
  }

  /**
   * The graph of `keep` alone: parents outside it are dropped, so the part of a history a range
   * selects draws as a graph of its own (its oldest revisions become roots). Order is kept.
   */
  restrictedTo(keep: ReadonlySet<string>): RevisionGraph {
    const order = this.order.filter((r) => keep.has(r));
    const parentMap = new Map(order.map((r) => [r, this.parents(r).filter((p) => keep.has(p))]));
    const childMap = new Map(order.map((r) => [r, this.children(r).filter((c) => keep.has(c))]));
    return new RevisionGraph(parentMap, childMap, order);
  }

  has(revision: string): boolean {
    return this.parentMap.has(revision);
  }

  get size(): number {
    return this.order.length;
  }

  parents(revision: string): string[] {
    return this.parentMap.get(revision) ?? [];
  }

  children(revision: string): string[] {
    return this.childMap.get(revision) ?? [];
  }

  roots(): string[] {
    return this.order.filter((r) => this.parents(r).length === 0);
  }

  heads(): string[] {
    return this.order.filter((r) => this.children(r).length === 0).sort();
  }

  /** Where a database stands: the applied revisions none of whose children is applied, in order. */
  current(applied: ReadonlySet<string>): string[] {
    return this.order.filter((r) => applied.has(r) && !this.children(r).some((c) => applied.has(c)));
  }

  /** Revisions reachable through parents (a start is included only if it is another start's ancestor). */
  ancestors(revisions: Iterable<string>): Set<string> {
    return this.walk(revisions, (r) => this.parents(r));
  }

  /** Revisions reachable through children. */
  descendants(revisions: Iterable<string>): Set<string> {
    return this.walk(revisions, (r) => this.children(r));
  }

  private walk(start: Iterable<string>, next: (r: string) => string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      for (const n of next(stack.pop()!)) {
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return seen;
  }

  /** The given revisions in topological order (parents first). */
  sort(revisions: Iterable<string>): string[] {
    const list = [...revisions];
    if (list.length < 2) return list;
    const at = (this.positions ??= new Map(this.order.map((r, i) => [r, i])));
    return list.sort((a, b) => at.get(a)! - at.get(b)!);
  }
}

/** Kahn's algorithm with a min-heap, so the order is the same on every machine. */
function topologicalOrder(parentMap: Map<string, string[]>, childMap: Map<string, string[]>): string[] {
  const pending = new Map<string, number>();
  const ready = new StringMinHeap();
  for (const [revision, parents] of parentMap) {
    pending.set(revision, parents.length);
    if (parents.length === 0) ready.push(revision);
  }
  const order: string[] = [];
  for (let r = ready.pop(); r !== undefined; r = ready.pop()) {
    order.push(r);
    for (const c of childMap.get(r)!) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return order;
}

/** Each distinct cycle among the revisions Kahn's algorithm could not order, smallest id first. */
function findCycles(parentMap: Map<string, string[]>, ordered: Set<string>): string[][] {
  const parents = new Map([...parentMap].map(([r, ps]) => [r, ps.filter((p) => !ordered.has(p))]));
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const start of [...parents.keys()].filter((r) => !ordered.has(r)).sort()) {
    if (done.has(start)) continue;
    // Follow unordered parents until a revision repeats: the repeat closes a cycle.
    const path: string[] = [];
    const at = new Map<string, number>();
    let r: string | undefined = start;
    while (r !== undefined && !at.has(r) && !done.has(r)) {
      at.set(r, path.length);
      path.push(r);
      r = [...(parents.get(r) ?? [])].sort()[0];
    }
    if (r !== undefined && at.has(r)) {
      const cycle = path.slice(at.get(r)!);
      const min = cycle.indexOf([...cycle].sort()[0]!);
      cycles.push([...cycle.slice(min), ...cycle.slice(0, min)]);
    }
    for (const p of path) done.add(p);
  }
  return cycles;
}
