// A `transaction: none` file runs one statement at a time: PostgreSQL runs a multi-statement
// query string as one implicit transaction, which CREATE INDEX CONCURRENTLY refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEngine } from '../src/runner/engines/postgres.js';
import { MigrationError } from '../src/runner/util/errors.js';
import { Runner } from '../src/runner/commands/runner.js';
import { silentLogger } from '../src/runner/util/logger.js';
import { tempSql, type MigrationSpec } from './helpers/migrations.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';

const table: MigrationSpec = { revision: 'a1', up: 'CREATE TABLE t (x int, y int);', down: 'DROP TABLE t;' };
const indexes = (second: string): MigrationSpec => ({
  revision: 'a2',
  parents: ['a1'],
  header: ['transaction: none'],
  up: `CREATE INDEX CONCURRENTLY tx ON t (x);\n${second}`,
  down: '-- transaction: none\nDROP INDEX CONCURRENTLY IF EXISTS ty;\nDROP INDEX CONCURRENTLY tx;',
});

async function run<T>(db: TestDatabase, migrations: MigrationSpec[], fn: (r: Runner) => Promise<T>): Promise<T> {
  const t = tempSql(migrations);
  try {
    const engine = await PostgresEngine.connect(db.url);
    try {
      return await fn(new Runner(engine, { dir: t.dir, logger: silentLogger }));
    } finally {
      await engine.close();
    }
  } finally {
    t.remove();
  }
}

const versionRows = (db: TestDatabase) =>
  db.query<{ revision: string; state: string; statements_done: number | null; statements_total: number | null }>('SELECT revision, state, statements_done, statements_total FROM pgstrata_version ORDER BY revision');

const indexNames = (db: TestDatabase) => db.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname IN ('tx', 'ty') ORDER BY 1").then((r) => r.map((x) => x.relname));

test('several CREATE INDEX CONCURRENTLY statements in one transaction: none file apply and revert', () =>
  withDatabase(async (db) => {
    await run(db, [table, indexes('CREATE INDEX CONCURRENTLY ty ON t (y);')], async (r) => {
      assert.equal((await r.up()).steps.map((s) => s.revision), ['a1', 'a2']);
      assert.equal(await indexNames(db), ['tx', 'ty']);
      assert.equal((await versionRows(db)).map((v) => [v.revision, v.state]), [['a1', 'applied'], ['a2', 'applied']]);
      assert.equal((await r.down()).steps.map((s) => s.revision), ['a2']);
      assert.equal(await indexNames(db), []);
      assert.equal((await versionRows(db)).map((v) => v.revision), ['a1']);
    });
  }));

test('a failure half-way leaves the statements before it applied and is placed in the file', () =>
  withDatabase(async (db) => {
    await run(db, [table, indexes("SELECT 1;\n  SELECT 'é', nope FROM t;\nCREATE INDEX CONCURRENTLY ty ON t (y);")], async (r) => {
      const e = await r.up().then(() => undefined, (x: unknown) => x);
      assert.ok(e instanceof MigrationError, String(e));
      assert.equal([e.location.line, e.location.column], [8, 15]);
      assert.match(e.outcome, /statements 1-2 of 4 ran and stay applied/);
      assert.is(e.db.sqlstate, '42703');
      assert.equal(await indexNames(db), ['tx']);
      const a2 = (await versionRows(db)).find((v) => v.revision === 'a2');
      assert.equal([a2?.state, a2?.statements_done, a2?.statements_total], ['failed', 2, 4], 'the version row records where it stopped');
    });
  }));

test.run();
