// The pure parts of a fleet run: the targets file and the worker pool. No database.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTargets } from '../src/fleet/targets.js';
import { runPool, type Next } from '../src/fleet/schedule.js';
import { UsageError } from '../src/runner/util/errors.js';

test('a targets file: one a line, # comments, blank lines, schema=', () => {
  const t = parseTargets('# tenants\n\na postgres://u@h/a\nb  postgres://u:pw@h:5433/b   schema=tenant_b  # the second\r\n', 'fleet.txt');
  assert.equal(t, [
    { name: 'a', url: 'postgres://u@h/a', line: 3 },
    { name: 'b', url: 'postgres://u:pw@h:5433/b', line: 4, schema: 'tenant_b' },
  ]);
});

test('a JSON targets file, each entry placed on its line', () => {
  const t = parseTargets('[\n  {"name": "a", "url": "postgres://h/a"},\n  {"name": "b", "url": "postgres://h/b", "schema": "s"}\n]\n', 'f.json');
  assert.equal(t, [
    { name: 'a', url: 'postgres://h/a', line: 2 },
    { name: 'b', url: 'postgres://h/b', line: 3, schema: 's' },
  ]);
});

test('every bad line is named with file:line, and no password is quoted', () => {
  const text = 'a postgres://h/a\nonlyname\na postgres://h/again\nc mysql://root:hunter2@h/c\nd postgres://h/d schema=1bad extra\n';
  try {
    parseTargets(text, 'fleet.txt');
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, UsageError);
    const m = (e as Error).message;
    assert.match(m, '5 problems');
    assert.match(m, 'fleet.txt:2: expected "name url [schema=…]"');
    assert.match(m, 'fleet.txt:3: target name a is already used at fleet.txt:1');
    assert.match(m, 'fleet.txt:4: target c:');
    assert.match(m, 'fleet.txt:5: target d: schema "1bad"');
    assert.match(m, 'fleet.txt:5: unknown "extra"');
    assert.not.match(m, 'hunter2');
  }
});

test('JSON entries of the wrong shape are named by line', () => {
  assert.throws(() => parseTargets('[\n {"name": "a"},\n {"name": "b", "url": "postgres://h/b", "port": 1}\n]', 'f.json'), (e: Error) => /f\.json:2: entry 1/.test(e.message) && /f\.json:3: entry 2: unknown key port/.test(e.message));
  assert.throws(() => parseTargets('# nothing here\n', 'empty.txt'), /empty\.txt: no targets/);
});

function queue(items: number[]): () => Promise<Next<number>> {
  const left = [...items];
  return async () => (left.length > 0 ? { item: left.shift()! } : { done: true });
}

const tick = () => new Promise((r) => setTimeout(r, 1));

test('the pool works at most `concurrency` items at once, and all of them', async () => {
  let running = 0;
  let most = 0;
  const r = await runPool({
    concurrency: 3,
    keepGoing: false,
    next: queue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    work: async (n) => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      return n;
    },
    failed: () => false,
  });
  assert.is(most, 3);
  assert.equal(r.results.map((x) => x.item).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(r.stopped, false);
});

test('a failure starts no new item (those running finish); keepGoing works them all', async () => {
  let stops = 0;
  const stopping = await runPool({ concurrency: 2, keepGoing: false, next: queue([1, 2, 3, 4, 5, 6]), work: async (n) => (await tick(), n), failed: (n) => n === 2, onStop: async () => void stops++ });
  assert.ok(stopping.stopped);
  assert.is(stops, 1);
  assert.ok(stopping.results.length <= 3, `worked ${stopping.results.length}`);
  assert.ok(stopping.results.some((x) => x.item === 2));
  const going = await runPool({ concurrency: 2, keepGoing: true, next: queue([1, 2, 3, 4, 5, 6]), work: async (n) => n, failed: (n) => n === 2 });
  assert.is(going.results.length, 6);
  assert.is(going.stopped, false);
});

test('`wait` polls again until the queue is done', async () => {
  const answers: Array<Next<number>> = [{ wait: true }, { wait: true }, { item: 7 }, { done: true }];
  const slept: number[] = [];
  const r = await runPool({ concurrency: 1, keepGoing: false, next: async () => answers.shift()!, work: async (n) => n, failed: () => false, sleep: async (ms) => void slept.push(ms), pollMs: 5 });
  assert.equal(r.results, [{ item: 7, result: 7 }]);
  assert.equal(slept, [5, 5]);
});

test.run();
