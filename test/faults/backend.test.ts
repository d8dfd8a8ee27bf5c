// The runner's server side fails under it: its backend is terminated mid-migration, or the
// backend of a runner holding the lock dies while another waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { tempSql, type MigrationSpec } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { eventually, startCli } from '../helpers/process.js';

/** r1, r2, then r3, which sleeps mid-way while the table fault_switch says so. */
function sleepyHistory(): MigrationSpec[] {
  return [
    { revision: 'r1', up: 'CREATE TABLE one (id int);', down: 'DROP TABLE one;' },
    { revision: 'r2', parents: ['r1'], up: 'CREATE TABLE two (id int);', down: 'DROP TABLE two;' },
    {
      revision: 'r3',
      parents: ['r2'],
      up: 'CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nSELECT pg_sleep(60) FROM fault_switch WHERE sleep;\nCREATE TABLE three (id int);',
      down: 'DROP TABLE three; DROP TABLE half;',
    },
  ];
}

/** The pid of the pgstrata backend once it sits in pg_sleep. */
function sleepingBackend(db: TestDatabase): Promise<number> {
  return eventually('a pgstrata backend in pg_sleep', async () => {
    const rows = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgstrata' AND wait_event = 'PgSleep'");
    return rows[0]?.pid;
  });
}

test('the backend terminated mid-migration: a clean error naming the revision, nothing half-applied, a rerun completes', () =>
  withDatabase(async (db) => {
    const sql = tempSql(sleepyHistory());
    try {
      await db.query('CREATE TABLE fault_switch (sleep boolean); INSERT INTO fault_switch VALUES (true)');
      const run = startCli(['up', '--url', db.url, '--dir', sql.dir]);
      const pid = await sleepingBackend(db);
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      const r = await run.done;
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /error: up r3 failed/);
      assert.match(r.stderr, /r3_step\.sql/);
      assert.match(r.stderr, /r3_step\.sql: ERROR 57P01: terminating connection due to administrator command/);
      assert.match(r.stderr, /rolled back: the server ended the session before the migration committed/);
      assert.not.match(r.stderr, /ended pgstrata's transaction itself/, 'a lost session is not mistaken for a COMMIT inside the file');
      assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
      const applied = await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision');
      assert.equal(applied.map((a) => a.revision), ['r1', 'r2']);
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename IN ('half', 'three')"), [], 'nothing of r3 remains');

      await db.query('UPDATE fault_switch SET sleep = false');
      const rerun = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
      assert.is(rerun.status, 0, rerun.stderr);
      assert.match(rerun.stdout, /up   r3/);
      assert.equal((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pgstrata_version'))[0]!.n, '3');
    } finally {
      sql.remove();
    }
  }),
);

test.run();
