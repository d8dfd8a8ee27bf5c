// Empty down files (issue 10): up applies them, status/history/check warn, down refuses to run
// through one unless it says `-- no-op` (passes) or `-- irreversible` (always refuses).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers/cli.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';
import { tempSql, type MigrationSpec } from './helpers/migrations.js';

const cli = (url: string, dir: string, ...args: string[]) => runCli([...args, '--url', url, '--dir', dir]);

/** r1 creates t, r2 adds a column with the given down, r3 adds another (with a real down). */
function history(r2Down: string): MigrationSpec[] {
  return [
    { revision: 'r1', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
    { revision: 'r2', parents: ['r1'], up: 'ALTER TABLE t ADD COLUMN a int;', down: r2Down },
    { revision: 'r3', parents: ['r2'], up: 'ALTER TABLE t ADD COLUMN b int;', down: 'ALTER TABLE t DROP COLUMN b;' },
  ];
}

const columns = async (db: TestDatabase) => (await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY column_name")).map((c) => c.column_name);
const applied = async (db: TestDatabase) => (await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision')).map((r) => r.revision);

test('an empty down does not stop up (nor its dry run or --sql); status and history warn once about it', () =>
  withDatabase(async (db) => {
    const sql = tempSql(history('-- nothing to undo here\n'));
    try {
      for (const flag of ['--dry-run', '--sql']) {
        const r = await cli(db.url, sql.dir, 'up', flag);
        assert.is(r.status, 0, `${flag}: ${r.stderr}`);
      }
      let r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      assert.equal(await columns(db), ['a', 'b', 'id']);
      assert.equal(await applied(db), ['r1', 'r2', 'r3']);
      for (const command of ['status', 'history']) {
        r = await cli(db.url, sql.dir, command);
        assert.is(r.status, 0, r.stderr);
        assert.is(r.stderr.split('r2_step.sql: the down file of r2 has no SQL statement').length - 1, 1, `${command} warns once: ${r.stderr}`);
        assert.not.match(r.stderr, /r1_|r3_/, `${command} names only the empty down`);
      }
    } finally {
      sql.remove();
    }
  }),
);

test('down across an unmarked empty down stops before running anything, naming the revision', () =>
  withDatabase(async (db) => {
    const sql = tempSql(history(''));
    try {
      let r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      r = await cli(db.url, sql.dir, 'down', 'base');
      assert.is(r.status, 3, r.stderr);
      assert.match(r.stderr, /down file of r2 has no SQL statement, so reverting r2 would undo nothing/);
      assert.match(r.stderr, /-- no-op/);
      assert.equal(await columns(db), ['a', 'b', 'id'], 'r3, above the empty down, was not reverted either');
      assert.equal(await applied(db), ['r1', 'r2', 'r3']);
      r = await cli(db.url, sql.dir, 'down', 'r2');
      assert.is(r.status, 0, `down to r2 does not cross r2's down: ${r.stderr}`);
      assert.equal(await columns(db), ['a', 'id']);
    } finally {
      sql.remove();
    }
  }),
);

test('a `-- no-op` down passes: down runs through it and records the revision as reverted', () =>
  withDatabase(async (db) => {
    const sql = tempSql(history('-- a column nobody reads; dropping it is not worth a lock\n-- no-op\n'));
    try {
      let r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      r = await cli(db.url, sql.dir, 'status');
      assert.not.match(r.stderr, /no SQL statement/, 'a declared no-op is not warned about');
      r = await cli(db.url, sql.dir, 'down', 'r1');
      assert.is(r.status, 0, r.stderr);
      assert.equal(await applied(db), ['r1']);
      assert.equal(await columns(db), ['a', 'id'], 'the no-op down left column a');
    } finally {
      sql.remove();
    }
  }),
);

test('an `-- irreversible` down always refuses, saying irreversible, before running anything', () =>
  withDatabase(async (db) => {
    const sql = tempSql(history('-- irreversible\n'));
    try {
      let r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      r = await cli(db.url, sql.dir, 'down', 'r1');
      assert.is(r.status, 3, r.stderr);
      assert.match(r.stderr, /revision r2 is irreversible/);
      assert.equal(await applied(db), ['r1', 'r2', 'r3']);
      assert.equal(await columns(db), ['a', 'b', 'id']);
    } finally {
      sql.remove();
    }
  }),
);

test.run();
