import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RevisionGraph, type GraphNode } from '../src/runner/graph/graph.js';
import { findGaps, planDown, planUp } from '../src/runner/graph/plan.js';
import { SourceError, UsageError } from '../src/runner/util/errors.js';

function graph(nodes: GraphNode[]): RevisionGraph {
  return RevisionGraph.build(nodes, (r) => r).graph!;
}

const linear = graph([
  { revision: 'aa01', parents: [] },
  { revision: 'bb02', parents: ['aa01'] },
  { revision: 'bc03', parents: ['bb02'] },
]);
const file = (r: string) => `sql/up/${r}.sql`;
const ups = (g: RevisionGraph, applied: string[], target: string) => planUp(g, new Set(applied), target, file).map((s) => s.revision);
const downs = (g: RevisionGraph, applied: string[], target: string) => planDown(g, new Set(applied), target).map((s) => s.revision);

test('up to head, to a revision, by prefix, and +N', () => {
  assert.equal(ups(linear, [], 'head'), ['aa01', 'bb02', 'bc03']);
  assert.equal(ups(linear, ['aa01'], 'heads'), ['bb02', 'bc03']);
  assert.equal(ups(linear, [], 'bb02'), ['aa01', 'bb02']);
  assert.equal(ups(linear, [], 'bc'), ['aa01', 'bb02', 'bc03']);
  assert.equal(ups(linear, ['aa01'], '+1'), ['bb02']);
  assert.equal(ups(linear, ['aa01', 'bb02', 'bc03'], 'head'), []);
  assert.equal(ups(linear, [], 'base'), []);
});

test('an ambiguous prefix lists the candidates; unknown targets and too-large +N are usage errors', () => {
  assert.throws(() => ups(linear, [], 'b'), (e: Error) => e instanceof UsageError && /bb02, bc03/.test(e.message));
  assert.throws(() => ups(linear, [], 'zz'), (e: Error) => e instanceof UsageError && /no revision matches/.test(e.message));
  assert.throws(() => ups(linear, [], '+4'), (e: Error) => e instanceof UsageError && /only 3/.test(e.message));
  assert.throws(() => ups(linear, [], '-1'), (e: Error) => e instanceof UsageError);
  assert.throws(() => ups(linear, [], 'x;drop'), (e: Error) => e instanceof UsageError);
});

test('down: -N, to a revision (which stays applied), base', () => {
  const all = ['aa01', 'bb02', 'bc03'];
  assert.equal(downs(linear, all, '-1'), ['bc03']);
  assert.equal(downs(linear, all, '-2'), ['bc03', 'bb02']);
  assert.equal(downs(linear, all, 'aa01'), ['bc03', 'bb02']);
  assert.equal(downs(linear, all, 'base'), ['bc03', 'bb02', 'aa01']);
  assert.throws(() => downs(linear, ['aa01'], 'bb02'), (e: Error) => e instanceof UsageError && /not applied/.test(e.message));
  assert.throws(() => downs(linear, ['aa01'], '-2'), (e: Error) => e instanceof UsageError);
  assert.throws(() => downs(linear, ['aa01'], 'head'), (e: Error) => e instanceof UsageError);
});

//  root -> feat1 (applied)            a branch merged late:
//       \-> late (not applied) -> merge(feat1, late)
const branched = graph([
  { revision: 'root', parents: [] },
  { revision: 'zfeat', parents: ['root'] },
  { revision: 'alate', parents: ['root'] },
  { revision: 'merge', parents: ['zfeat', 'alate'] },
]);

test('a branch merged late is applied, whatever its id or timestamps say', () => {
  assert.equal(ups(branched, ['root', 'zfeat'], 'head'), ['alate', 'merge']);
});

test('multiple heads: head is refused naming them, heads applies both', () => {
  const twoHeads = graph([
    { revision: 'root', parents: [] },
    { revision: 'left', parents: ['root'] },
    { revision: 'right', parents: ['root'] },
  ]);
  assert.throws(() => ups(twoHeads, [], 'head'), (e: Error) => e instanceof UsageError && /left, right/.test(e.message));
  assert.equal(ups(twoHeads, [], 'heads'), ['root', 'left', 'right']);
  assert.equal(downs(twoHeads, ['root', 'left', 'right'], 'root'), ['right', 'left']);
});

test('an applied revision whose parent is not applied is reported, not skipped', () => {
  // bb02 was inserted under bc03 after bc03 ran.
  assert.equal(findGaps(linear, new Set(['aa01', 'bc03'])), [{ missing: 'bb02', appliedChild: 'bc03' }]);
  assert.throws(
    () => ups(linear, ['aa01', 'bc03'], 'head'),
    (e: Error) => e instanceof SourceError && e.problems[0]!.file === 'sql/up/bb02.sql' && /child bc03 is/.test(e.problems[0]!.message),
  );
});

test('planning 100,000 revisions is linear enough to finish', () => {
  const nodes = Array.from({ length: 100_000 }, (_, i) => ({ revision: `r${String(i).padStart(6, '0')}`, parents: i === 0 ? [] : [`r${String(i - 1).padStart(6, '0')}`] }));
  const g = graph(nodes);
  assert.is(ups(g, [], 'head').length, 100_000);
});

test.run();
