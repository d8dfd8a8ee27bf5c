// history and graph -r FROM:TO and --limit N: which revisions a range selects (pure), and the two
// commands cutting a 280-revision history as asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RevisionGraph } from '../src/runner/graph/graph.js';
import { selectRevisions } from '../src/runner/graph/range.js';
import { UsageError } from '../src/runner/util/errors.js';
import { runCli } from './helpers/cli.js';
import { linearHistory, tempSql } from './helpers/migrations.js';

// a - b - c - e (merge of c and d) - f ; b - d
const { graph } = RevisionGraph.build(
  [
    { revision: 'a', parents: [] },
    { revision: 'b', parents: ['a'] },
    { revision: 'c', parents: ['b'] },
    { revision: 'd', parents: ['b'] },
    { revision: 'e', parents: ['c', 'd'] },
    { revision: 'f', parents: ['e'] },
  ],
  (r) => r,
);
const pick = (range?: string, limit?: number) => [...(selectRevisions(graph!, { ...(range !== undefined ? { range } : {}), ...(limit !== undefined ? { limit } : {}) }) ?? graph!.order)].sort();

test('FROM:TO keeps what descends from FROM and leads to TO, both ends included; empty ends, base and head are the ends of history', () => {
  assert.equal(pick('b:e'), ['b', 'c', 'd', 'e']);
  assert.equal(pick('c:f'), ['c', 'e', 'f']);
  assert.equal(pick('d:'), ['d', 'e', 'f']);
  assert.equal(pick(':c'), ['a', 'b', 'c']);
  assert.equal(pick('base:head'), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(pick(undefined, 2), ['e', 'f']);
  assert.equal(pick('a:d', 2), ['b', 'd']);
  assert.is(selectRevisions(graph!, {}), undefined);
});

test('a range that names no revision, runs backwards or is malformed is a usage error naming it', () => {
  for (const [range, message] of [['zz:', /no revision matches "zz"/], ['e:c', /range is empty; put the older revision first/], ['a', /write FROM:TO/], ['head:a', /cannot be the start/]] as const) {
    assert.throws(() => selectRevisions(graph!, { range }), (e: Error) => e instanceof UsageError && message.test(e.message));
  }
  assert.throws(() => selectRevisions(graph!, { limit: 0 }), (e: Error) => e instanceof UsageError && /--limit 0/.test(e.message));
});

test('history and graph of a 280-revision history show only the range and the limit asked for', async () => {
  const sql = tempSql(linearHistory(280, 3));
  try {
    const all = await runCli(['history', '--dir', sql.dir, '--format', 'list']);
    assert.is(all.stdout.trim().split('\n').length, 280);
    const limited = await runCli(['history', '--dir', sql.dir, '--limit', '5']);
    assert.is(limited.status, 0, limited.stderr);
    assert.equal(limited.stdout.trim().split('\n').map((l) => /r\d+/.exec(l)![0]), ['r280', 'r279', 'r278', 'r277', 'r276']);
    assert.match(limited.stdout, /r280 \(head\)/);
    const ranged = await runCli(['history', '--dir', sql.dir, '-r', 'r010:r012', '--format', 'list']);
    assert.equal(ranged.stdout.trim().split('\n'), ['r011 -> r012, revision r012', 'r010 -> r011, revision r011', 'r009 -> r010, revision r010']);
    const json = await runCli(['history', '--dir', sql.dir, '-r', 'r270:', '--json']);
    assert.is(JSON.parse(json.stdout).revisions.length, 11);
    const picture = await runCli(['graph', '--dir', sql.dir, '-r', 'r100:r102']);
    assert.is(picture.status, 0, picture.stderr);
    assert.is((picture.stdout.match(/^ {2}r_r\d+\(/gm) ?? []).length, 3);
    assert.equal(picture.stdout.match(/-->.*$/gm), ['--> r_r101', '--> r_r102']);
    assert.not.match(picture.stdout, /class r_r102 head/, 'the end of a range is not a head of the history');
    const bad = await runCli(['history', '--dir', sql.dir, '-r', 'r999:']);
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /no revision matches "r999"/);
  } finally {
    sql.remove();
  }
});

test.run();
