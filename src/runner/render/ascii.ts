// The revision graph drawn in the terminal, like `git log --graph`: one column per line of
// history, `|` carrying it down, `\` where a merge opens its second parent's column, `/` where a
// branch point gathers its children's columns. Pure: lines of text in, lines of text out.
import type { RevisionGraph } from '../graph/graph.js';

export interface DrawnRow {
  /** The graph columns of this line. */
  graph: string;
  /** The revision on this line; undefined for a connector line. */
  revision?: string;
}

/** Column `k`'s character position on a line. */
const at = (k: number) => 2 * k;

function line(width: number, put: (chars: string[]) => void): string {
  const chars: string[] = Array.from({ length: Math.max(1, 2 * width - 1) }, () => ' ');
  put(chars);
  return chars.join('').trimEnd();
}

/** Column j joins column i (i < j); columns right of j move one to the left. */
function gather(n: number, i: number, j: number): string {
  return line(n, (c) => {
    for (let k = 0; k < j; k++) c[at(k)] = '|';
    for (let k = i + 1; k < j; k++) c[at(k) - 1] = '_';
    c[at(j) - 1] = '/';
    for (let k = j + 1; k < n; k++) c[at(k) - 1] = '/';
  });
}

/** A new column opens right of column i; columns right of it move one to the right. */
function open(n: number, i: number): string {
  return line(n + 1, (c) => {
    for (let k = 0; k <= i; k++) c[at(k)] = '|';
    c[at(i) + 1] = '\\';
    for (let k = i + 1; k < n; k++) c[at(k) + 1] = '\\';
  });
}

/** Column i ends (a root); columns right of it move one to the left. */
function close(n: number, i: number): string {
  return line(n, (c) => {
    for (let k = 0; k < i; k++) c[at(k)] = '|';
    for (let k = i + 1; k < n; k++) c[at(k) - 1] = '/';
  });
}

function node(n: number, i: number, mark: string): string {
  return line(n, (c) => {
    for (let k = 0; k < n; k++) c[at(k)] = k === i ? mark : '|';
  });
}

/**
 * Draws `order` (children before parents, see order.ts). Each column holds the revision the line
 * below it leads to; a revision's line is the first column waiting for it.
 */
export function drawGraph(graph: RevisionGraph, order: string[], mark: (revision: string) => string): DrawnRow[] {
  const columns: string[] = [];
  const rows: DrawnRow[] = [];
  for (const r of order) {
    const waiting = columns.flatMap((c, k) => (c === r ? [k] : []));
    if (waiting.length === 0) waiting.push(columns.push(r) - 1);
    // A branch point: every child's column gathers into the leftmost, rightmost first.
    while (waiting.length > 1) {
      const j = waiting.pop()!;
      rows.push({ graph: gather(columns.length, waiting[waiting.length - 1]!, j) });
      columns.splice(j, 1);
    }
    const i = waiting[0]!;
    rows.push({ graph: node(columns.length, i, mark(r)), revision: r });
    const parents = graph.parents(r);
    if (parents.length === 0) {
      if (i < columns.length - 1) rows.push({ graph: close(columns.length, i) });
      columns.splice(i, 1);
      continue;
    }
    columns[i] = parents[0]!;
    // A merge: one new column per further parent, opened right next to this one.
    for (const p of parents.slice(1).reverse()) {
      rows.push({ graph: open(columns.length, i) });
      columns.splice(i + 1, 0, p);
    }
  }
  return rows;
}

/** Rows as text, the revision's text aligned after the widest graph. */
export function graphText(rows: DrawnRow[], text: (revision: string) => string): string[] {
  const width = Math.max(0, ...rows.filter((r) => r.revision).map((r) => r.graph.length));
  return rows.map((r) => (r.revision === undefined ? r.graph : `${r.graph.padEnd(width)}  ${text(r.revision)}`));
}
