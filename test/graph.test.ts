import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RevisionGraph, type GraphNode } from '../src/runner/graph/graph.js';

function build(nodes: GraphNode[]): RevisionGraph {
  const { graph, problems } = RevisionGraph.build(nodes, (r) => `${r}.sql`);
  assert.equal(problems, []);
  return graph!;
}

//      a
//     / \
//    c   b      (b and c both children of a; order breaks the tie by id)
//     \ /
//      m        (merge)
//      |
//      z
const diamond: GraphNode[] = [
  { revision: 'z', parents: ['m'] },
  { revision: 'm', parents: ['c', 'b'] },
  { revision: 'c', parents: ['a'] },
  { revision: 'b', parents: ['a'] },
  { revision: 'a', parents: [] },
];

test('current: the applied revisions with no applied child, one per branch that is applied', () => {
  const g = build(diamond);
  assert.equal(g.current(new Set()), []);
  assert.equal(g.current(new Set(['a'])), ['a']);
  assert.equal(g.current(new Set(['a', 'b', 'c'])), ['b', 'c']);
  assert.equal(g.current(new Set(['a', 'b', 'c', 'm', 'z'])), ['z']);
});

test('topological order is parents first, ties broken by revision id, whatever the input order', () => {
  assert.equal(build(diamond).order, ['a', 'b', 'c', 'm', 'z']);
  assert.equal(build([...diamond].reverse()).order, ['a', 'b', 'c', 'm', 'z']);
});

test('roots, heads, parents and children', () => {
  const g = build([...diamond, { revision: 'x', parents: ['b'] }]);
  assert.equal(g.roots(), ['a']);
  assert.equal(g.heads(), ['x', 'z']);
  assert.equal(g.children('a').sort(), ['b', 'c']);
  assert.equal(g.parents('m'), ['c', 'b']);
});

test('ancestors and descendants', () => {
  const g = build(diamond);
  assert.equal([...g.ancestors(['m'])].sort(), ['a', 'b', 'c']);
  assert.equal([...g.descendants(['b'])].sort(), ['m', 'z']);
  assert.equal([...g.ancestors(['a'])], []);
});

test('a dangling parent and a cycle are problems naming the files', () => {
  const dangling = RevisionGraph.build([{ revision: 'a', parents: ['nope'] }], (r) => `${r}.sql`);
  assert.is(dangling.graph, undefined);
  assert.equal(dangling.problems.map((p) => p.file), ['a.sql']);
  const cyclic = RevisionGraph.build(
    [
      { revision: 'r', parents: [] },
      { revision: 'p', parents: ['q'] },
      { revision: 'q', parents: ['p'] },
      { revision: 's', parents: ['q'] },
    ],
    (r) => `${r}.sql`,
  );
  assert.equal(cyclic.problems.map((p) => p.file).sort(), ['p.sql', 'q.sql']);
  assert.match(cyclic.problems[0]!.message, /p -> q -> p/);
});

test('100,000 revisions build and sort without recursion limits', () => {
  const nodes = Array.from({ length: 100_000 }, (_, i) => ({ revision: `r${i}`, parents: i === 0 ? [] : [`r${i - 1}`] }));
  const g = build(nodes);
  assert.is(g.order.length, 100_000);
  assert.is(g.order[99_999], 'r99999');
  assert.is(g.ancestors(['r99999']).size, 99_999);
});

test.run();
