// The "nothing to do" sentences, on branches too: each says what is true of the graph and the applied set.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RevisionGraph, type GraphNode } from '../src/runner/graph/graph.js';
import { nothingToApply, nothingToRevert } from '../src/runner/graph/idle.js';

function graph(nodes: GraphNode[]): RevisionGraph {
  return RevisionGraph.build(nodes, (r) => r).graph!;
}

// a1 -> b2 -> c3, and a1 -> x2 (a second head)
const branched = graph([
  { revision: 'a1', parents: [] },
  { revision: 'b2', parents: ['a1'] },
  { revision: 'c3', parents: ['b2'] },
  { revision: 'x2', parents: ['a1'] },
]);

test('up: pending above the target, on another branch only, or none at all', () => {
  assert.is(nothingToApply(branched, new Set(['a1']), 'a1'), 'Nothing to apply: a1 is already applied (3 revisions pending above it; `up` applies them).');
  assert.is(nothingToApply(branched, new Set(['a1', 'b2', 'c3']), 'b2'), 'Nothing to apply: b2 is already applied (1 revision pending on other branches; `up` applies it).');
  assert.is(nothingToApply(branched, new Set(['a1', 'b2', 'c3', 'x2']), 'c3'), 'Nothing to apply: c3 is already applied, and the database is at head.');
  assert.is(nothingToApply(branched, new Set(['a1', 'b2', 'c3', 'x2']), 'heads'), 'Nothing to apply: the database is at every head (c3, x2).');
  assert.is(nothingToApply(graph([]), new Set(), 'heads'), 'Nothing to apply: there are no revisions.');
});

test('down: nothing applied, at the target, or only another branch above it', () => {
  assert.is(nothingToRevert(branched, new Set(), 'base'), 'Nothing to revert: no revision is applied.');
  assert.is(nothingToRevert(branched, new Set(['a1', 'b2']), 'b2'), 'Nothing to revert: b2 is the current revision (down to a revision keeps it applied; `down -1` reverts it).');
  assert.is(nothingToRevert(branched, new Set(['a1', 'b2', 'x2']), 'b2'), 'Nothing to revert: no revision above b2 is applied (current: b2, x2).');
  assert.is(nothingToRevert(branched, new Set(['a1']), undefined), 'Nothing to revert: no down stopped part-way (`down` without --resume reverts one revision).');
});

test.run();
