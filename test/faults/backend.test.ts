// The runner's server side fails under it: its backend is terminated mid-migration, or the
// backend of a runner holding the lock dies while another waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { lockKey } from '../../src/runner/store/lock.js';
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

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEY = String(lockKey('public', 'pgstrata_version'));

/** Another process that takes the migration lock and sits idle; resolves with it and its backend pid. */
async function lockHolderProcess(url: string) {
  const code = `import pg from 'pg'; const c = new pg.Client({ connectionString: process.argv[1], application_name: 'doomed-holder' });
await c.connect(); const r = await c.query('SELECT pg_advisory_lock($1::bigint), pg_backend_pid() AS pid', [process.argv[2]]);
console.log('holding ' + r.rows[0].pid); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, url, KEY], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /holding (\d+)/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', (code) => fail(new Error(`lock holder exited ${code}`)));
    setTimeout(() => fail(new Error('the lock holder did not take the lock within 60 s')), 60_000).unref();
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { child, pid };
}

const jsonWaits = (stderr: string) => stderr.split('\n').filter((l) => l.includes('"event":"lock-wait"')).map((l) => JSON.parse(l) as { holder: { pid: number; applicationName: string } | null });

test('a lock holder process that dies: the waiting runner proceeds once PostgreSQL releases the lock', () =>
  withDatabase(async (db) => {
    const sql = tempSql(sleepyHistory());
    let holder: Awaited<ReturnType<typeof lockHolderProcess>> | undefined;
    try {
      holder = await lockHolderProcess(db.url);
      await db.query('CREATE TABLE fault_switch (sleep boolean)');
      const waiter = startCli(['up', '--url', db.url, '--dir', sql.dir, '--lock-timeout', '2min', '--log-level', 'info', '--log-format', 'json']);
      await waiter.waitFor(/"event":"lock-wait"/);
      assert.is(jsonWaits(waiter.stderr())[0]!.holder!.pid, holder.pid, 'the wait names the holder');
      holder.child.kill('SIGKILL');
      const r = await waiter.done;
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stderr, /"event":"lock-acquired"/);
      assert.equal((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pgstrata_version'))[0]!.n, '3');
    } finally {
      holder?.child.kill('SIGKILL');
      sql.remove();
    }
  }),
);

test('a runner killed mid-migration keeps the lock while its backend lives; the waiter proceeds when that backend ends', () =>
  withDatabase(async (db) => {
    const sql = tempSql(sleepyHistory());
    try {
      await db.query('CREATE TABLE fault_switch (sleep boolean); INSERT INTO fault_switch VALUES (true)');
      const doomed = startCli(['up', '--url', db.url, '--dir', sql.dir]);
      const orphan = await sleepingBackend(db);
      doomed.child.kill('SIGKILL');
      await doomed.done;
      const waiter = startCli(['up', '--url', db.url, '--dir', sql.dir, '--lock-timeout', '2min', '--log-level', 'info', '--log-format', 'json']);
      await waiter.waitFor(/"event":"lock-wait"/);
      assert.is(jsonWaits(waiter.stderr())[0]!.holder!.pid, orphan, 'the wait names the orphaned backend');
      // The dead runner's script is still running on the server, holding the lock: end it.
      await db.query('UPDATE fault_switch SET sleep = false');
      await db.query('SELECT pg_terminate_backend($1)', [orphan]);
      const r = await waiter.done;
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, /up   r3/);
      const log = await db.query<{ revision: string; n: string }>("SELECT revision, count(*)::text AS n FROM pgstrata_version_log WHERE event = 'up' GROUP BY revision ORDER BY revision");
      assert.equal(log, [{ revision: 'r1', n: '1' }, { revision: 'r2', n: '1' }, { revision: 'r3', n: '1' }]);
    } finally {
      sql.remove();
    }
  }),
);

test('CREATE INDEX CONCURRENTLY runs while a second runner waits for the lock: no deadlock', () =>
  withDatabase(async (db) => {
    const sql = tempSql([
      { revision: 'r1', up: 'CREATE TABLE big (id int, v text);\nINSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 20000) g;', down: 'DROP TABLE big;' },
      { revision: 'r2', parents: ['r1'], header: ['transaction: none'], up: 'CREATE INDEX CONCURRENTLY big_v ON big (v);', down: '-- transaction: none\nDROP INDEX CONCURRENTLY big_v;' },
      { revision: 'r3', parents: ['r2'], up: 'CREATE TABLE after_index (id int);', down: 'DROP TABLE after_index;' },
    ]);
    const writer = new pg.Client({ connectionString: db.url });
    try {
      assert.is((await runCli(['up', 'r1', '--url', db.url, '--dir', sql.dir])).status, 0);
      // An open write transaction on the table makes the index build wait, so the second runner
      // is certainly polling for the lock while CREATE INDEX CONCURRENTLY is in progress.
      await writer.connect();
      await writer.query("BEGIN; INSERT INTO big VALUES (0, 'x')");
      const first = startCli(['up', '--url', db.url, '--dir', sql.dir]);
      await eventually('CREATE INDEX CONCURRENTLY to wait', async () => {
        const rows = await db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgstrata' AND query LIKE '%CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'");
        return rows.length > 0 ? true : undefined;
      });
      const second = startCli(['up', '--url', db.url, '--dir', sql.dir, '--log-level', 'info', '--log-format', 'json']);
      await second.waitFor(/"event":"lock-wait"/);
      await writer.query('COMMIT');
      const [a, b] = await Promise.all([first.done, second.done]);
      assert.is(a.status, 0, a.stderr);
      assert.is(b.status, 0, b.stderr);
      assert.not.match(a.stderr + b.stderr, /deadlock/);
      const valid = await db.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_v'::regclass");
      assert.equal(valid, [{ indisvalid: true }]);
      assert.equal((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pgstrata_version'))[0]!.n, '3');
    } finally {
      await writer.end().catch(() => {});
      sql.remove();
    }
  }),
);

test('statement_timeout and lock_timeout from headers fire, are reported as such, and leave nothing behind', () =>
  withDatabase(async (db) => {
    const sql = tempSql([
      { revision: 'r1', up: 'CREATE TABLE busy (id int);', down: 'DROP TABLE busy;' },
      { revision: 'r2', parents: ['r1'], header: ['statement_timeout: 300ms'], up: 'CREATE TABLE slow_a (id int);\nSELECT pg_sleep(5);', down: 'DROP TABLE slow_a;' },
    ]);
    const blocker = new pg.Client({ connectionString: db.url });
    try {
      let r = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /error: up r2 failed\n\S*r2_step\.sql: ERROR 57014: canceling statement due to statement timeout\n  HINT: The header of \S*r2_step\.sql sets statement_timeout: 300ms/);
      assert.match(r.stderr, /rolled back: nothing from this migration was applied/);
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'slow_a'"), []);
      const [failure] = await db.query<{ error: string }>("SELECT error FROM pgstrata_version_log WHERE revision = 'r2'");
      assert.is(failure!.error, '57014');

      sql.write({ revision: 'r2', parents: ['r1'], header: ['lock_timeout: 300ms'], up: 'CREATE TABLE slow_b (id int);\nALTER TABLE busy ADD COLUMN note text;', down: 'ALTER TABLE busy DROP COLUMN note; DROP TABLE slow_b;' });
      await blocker.connect();
      await blocker.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE');
      r = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
      assert.is(r.status, 1);
      assert.match(r.stderr, /r2_step\.sql: ERROR 55P03: canceling statement due to lock timeout\n  HINT: The header of \S*r2_step\.sql sets lock_timeout: 300ms/);
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'slow_b'"), []);
      await blocker.query('COMMIT');
      r = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
      assert.is(r.status, 0, r.stderr);
      const settings = await db.query<{ lock_timeout: string }>("SELECT current_setting('lock_timeout') AS lock_timeout");
      assert.is(settings[0]!.lock_timeout, '0', 'SET LOCAL did not leak into the database default');
    } finally {
      await blocker.end().catch(() => {});
      sql.remove();
    }
  }),
);

test.run();
