// Empty down files (issue 10): up applies them, status/history/check warn, down refuses to run
// through one unless it says `-- no-op` (passes) or `-- irreversible` (always refuses).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers/cli.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';
import { tempSql, type MigrationSpec } from './helpers/migrations.js';

/** r1 creates t, r2 adds a column with the given down, r3 adds another (with a real down). */
function history(r2Down: string): MigrationSpec[] {
  return [
    { revision: 'r1', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
    { revision: 'r2', parents: ['r1'], up: 'ALTER TABLE t ADD COLUMN a int;', down: r2Down },
    { revision: 'r3', parents: ['r2'], up: 'ALTER TABLE t ADD COLUMN b int;', down: 'ALTER TABLE t DROP COLUMN b;' },
  ];
}

const columns = async (db: TestDatabase) => (await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY column_name")).map((c) => c.column_name);
type Cli = (...args: string[]) => ReturnType<typeof runCli>;

/** A fresh database and the three revisions with r2's down as given; `pgstrata` runs against both. */
const withHistory = (r2Down: string, body: (db: TestDatabase, pgstrata: Cli) => Promise<void>) => () =>
  withDatabase(async (db) => {
    const sql = tempSql(history(r2Down));
    try {
      await body(db, (...args) => runCli([...args, '--url', db.url, '--dir', sql.dir]));
    } finally {
      sql.remove();
    }
  });

const applied = async (db: TestDatabase) => (await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision')).map((r) => r.revision);

test('an empty down does not stop up (nor its dry run or --sql); status and history warn once about it', withHistory('-- nothing to undo here\n', async (db, pgstrata) => {
  for (const flag of ['--dry-run', '--sql']) {
    const r = await pgstrata('up', flag);
    assert.is(r.status, 0, `${flag}: ${r.stderr}`);
  }
  let r = await pgstrata('up');
  assert.is(r.status, 0, r.stderr);
  assert.equal(await columns(db), ['a', 'b', 'id']);
  assert.equal(await applied(db), ['r1', 'r2', 'r3']);
  for (const command of ['status', 'history']) {
    r = await pgstrata(command);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stderr.split('r2_step.sql: the down file of r2 has no SQL statement').length - 1, 1, `${command} warns once: ${r.stderr}`);
    assert.not.match(r.stderr, /r1_|r3_/, `${command} names only the empty down`);
  }
}));

test('down across an unmarked empty down stops before running anything, naming the revision', withHistory('', async (db, pgstrata) => {
  let r = await pgstrata('up');
  assert.is(r.status, 0, r.stderr);
  r = await pgstrata('down', 'base');
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /down file of r2 has no SQL statement, so reverting r2 would undo nothing/);
  assert.match(r.stderr, /-- no-op/);
  assert.equal(await columns(db), ['a', 'b', 'id'], 'r3, above the empty down, was not reverted either');
  assert.equal(await applied(db), ['r1', 'r2', 'r3']);
  r = await pgstrata('down', 'r2');
  assert.is(r.status, 0, `down to r2 does not cross r2's down: ${r.stderr}`);
  assert.equal(await columns(db), ['a', 'id']);
}));

test('a `-- no-op` down passes: down runs through it and records the revision as reverted', withHistory('-- a column nobody reads; dropping it is not worth a lock\n-- no-op\n', async (db, pgstrata) => {
  let r = await pgstrata('up');
  assert.is(r.status, 0, r.stderr);
  r = await pgstrata('status');
  assert.not.match(r.stderr, /no SQL statement/, 'a declared no-op is not warned about');
  r = await pgstrata('down', 'r1');
  assert.is(r.status, 0, r.stderr);
  assert.equal(await applied(db), ['r1']);
  assert.equal(await columns(db), ['a', 'id'], 'the no-op down left column a');
}));

test('an `-- irreversible` down always refuses, saying irreversible, before running anything', withHistory('-- irreversible\n', async (db, pgstrata) => {
  let r = await pgstrata('up');
  assert.is(r.status, 0, r.stderr);
  r = await pgstrata('down', 'r1');
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /revision r2 is irreversible/);
  assert.equal(await applied(db), ['r1', 'r2', 'r3']);
  assert.equal(await columns(db), ['a', 'b', 'id']);
}));

test.run();
