// Planning in memory, no files and no database: build the revision graph of N revisions (a long
// chain with a merge every 1,000) and plan `up heads` from base. Sizes double up to 100,000 to
// show how the cost grows.
import { RevisionGraph, type GraphNode } from '../src/runner/graph/graph.js';
import { planUp } from '../src/runner/graph/plan.js';
import { machine, median } from './lib.js';

function nodes(n: number): GraphNode[] {
  const id = (i: number) => `r${String(i).padStart(7, '0')}`;
  const out: GraphNode[] = [];
  for (let i = 1; i <= n; i++) {
    // every 1,000th revision branches off and is merged back two revisions later
    const parents = i === 1 ? [] : i > 1000 && i % 1000 === 2 ? [id(i - 2)] : i > 1000 && i % 1000 === 3 ? [id(i - 1), id(i - 2)] : [id(i - 1)];
    out.push({ revision: id(i), parents });
  }
  return out;
}

export function planBench(sizes = [12_500, 25_000, 50_000, 100_000], rounds = 5): string {
  const lines = ['### planning in memory (graph build + plan up from base)', '', machine(), '', '| revisions | median ms | min | max | µs per revision |', '|---|---|---|---|---|'];
  const samples = new Map<number, number[]>(sizes.map((s) => [s, []]));
  const inputs = new Map(sizes.map((s) => [s, nodes(s)]));
  for (let round = 0; round < rounds; round++) {
    for (const size of sizes) {
      const list = inputs.get(size)!;
      const started = performance.now();
      const { graph } = RevisionGraph.build(list, (r) => r);
      const steps = planUp(graph!, new Set(), 'heads', (r) => r);
      samples.get(size)!.push(performance.now() - started);
      if (steps.length !== size) throw new Error(`planned ${steps.length} of ${size}`);
    }
  }
  for (const size of sizes) {
    const xs = samples.get(size)!;
    lines.push(`| ${size.toLocaleString('en')} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${((median(xs) * 1000) / size).toFixed(2)} |`);
  }
  return lines.join('\n');
}
