// Migrations outside a transaction (`transaction: none`): statement by statement, journalled in
// the version table, on a real PostgreSQL server. A failure in the middle statement leaves a dirty
// revision that `status` shows and `up` refuses to pass until `--resume` or `resolve`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { runCli, type CliResult } from './helpers/cli.js';
import { tempSql, upText, type MigrationSpec, type TempSql } from './helpers/migrations.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';
import { eventually } from './helpers/process.js';
import { checksum } from '../src/runner/source/checksum.js';

const table: MigrationSpec = {
  revision: 'a1',
  message: 'table with duplicates in b',
  up: 'CREATE TABLE t (id int PRIMARY KEY, b int, c int);\nINSERT INTO t SELECT g, g % 5, g FROM generate_series(1, 200) g;',
  down: 'DROP TABLE t;',
};

const indexes: MigrationSpec = {
  revision: 'b2',
  parents: ['a1'],
  message: 'indexes built concurrently',
  header: ['transaction: none', 'lock_timeout: 5s'],
  up: ['CREATE INDEX CONCURRENTLY t_c ON t (c);', '-- fails while b has duplicates', 'CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b);', 'CREATE INDEX CONCURRENTLY t_bc ON t (b, c);'].join('\n'),
  down: '-- transaction: none\nDROP INDEX CONCURRENTLY t_bc;\nDROP INDEX CONCURRENTLY t_b_unique;\nDROP INDEX CONCURRENTLY t_c;',
};

/** 1-based line of the first line of `up` text containing `needle`, in the written up file. */
function lineOf(m: MigrationSpec, needle: string): number {
  return upText(m).split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function cli(sql: TempSql, db: TestDatabase, ...args: string[]): Promise<CliResult> {
  return runCli(['--dir', sql.dir, '--url', db.url, ...args]);
}

async function withHistory(specs: MigrationSpec[], fn: (sql: TempSql, db: TestDatabase) => Promise<void>): Promise<void> {
  const sql = tempSql(specs);
  try {
    await withDatabase((db) => fn(sql, db));
  } finally {
    sql.remove();
  }
}

interface Row {
  revision: string;
  state: string;
  direction: string;
  statements_done: number | null;
  statements_total: number | null;
  failed_location: string | null;
  error: string | null;
}

const rowOf = async (db: TestDatabase, revision: string) =>
  (await db.query<Row>('SELECT revision, state, direction, statements_done, statements_total, failed_location, error FROM pgstrata_version WHERE revision = $1', [revision]))[0];

const invalidIndexes = async (db: TestDatabase) =>
  (await db.query<{ name: string }>('SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid ORDER BY 1')).map((r) => r.name);

test('a failure in the middle statement: reported with file:line and the INVALID index, shown by status, refused by up, finished by up --resume', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    const failed = await cli(sql, db, 'up');
    assert.is(failed.status, 1, failed.stderr);
    const line = lineOf(indexes, 'CREATE UNIQUE INDEX');
    assert.match(failed.stderr, `b2_step.sql:${line}:1: ERROR 23505: could not create unique index "t_b_unique"`);
    assert.match(failed.stderr, 'statement 1 of 3 ran and stays applied');
    assert.match(failed.stderr, 'INVALID index "public"."t_b_unique"');
    assert.match(failed.stderr, 'pgstrata up --resume');
    assert.equal(await invalidIndexes(db), ['t_b_unique']);

    const row = await rowOf(db, 'b2');
    assert.equal([row?.state, row?.direction, row?.statements_done, row?.statements_total], ['failed', 'up', 1, 3]);
    assert.match(row!.failed_location!, new RegExp(`b2_step\\.sql:${line}:1$`));
    assert.match(row!.error!, /^23505: could not create unique index/);

    const status = await cli(sql, db, 'status', '--json');
    assert.is(status.status, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    const b2 = report.revisions.find((r: { revision: string }) => r.revision === 'b2');
    assert.is(b2.state, 'failed');
    assert.is(b2.dirty.statementsDone, 1);
    assert.equal(report.pending, []);
    const human = await cli(sql, db, 'status');
    assert.match(human.stdout, '[~] b2');
    assert.match(human.stdout, `statement 2 at ${sql.dir}/up/b2_step.sql:${line}:1 failed`);

    const refused = await cli(sql, db, 'up', '--json');
    assert.is(refused.status, 1);
    const doc = JSON.parse(refused.stdout);
    assert.is(doc.code, 'dirty');
    assert.is(doc.dirty[0].revision, 'b2');
    assert.match(doc.hint, 'pgstrata resolve b2 --applied');

    // The operator fixes the data and drops the index the failure left behind.
    await db.query('DROP INDEX CONCURRENTLY t_b_unique');
    await db.query('UPDATE t SET b = id');
    const resumed = await cli(sql, db, 'up', '--resume');
    assert.is(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, 'resumed at statement 2');
    const done = await rowOf(db, 'b2');
    assert.equal([done?.state, done?.statements_done, done?.failed_location, done?.error], ['applied', 3, null, null]);
    assert.equal(await invalidIndexes(db), []);
    const names = (await db.query<{ n: string }>("SELECT indexname AS n FROM pg_indexes WHERE tablename = 't' ORDER BY 1")).map((r) => r.n);
    assert.equal(names, ['t_b_unique', 't_bc', 't_c', 't_pkey']);
    const log = await db.query<{ event: string; revision: string; error: string | null }>('SELECT event, revision, error FROM pgstrata_version_log ORDER BY id');
    assert.equal(log.map((l) => [l.event, l.revision, l.error]), [['up', 'a1', null], ['up', 'b2', '23505'], ['up', 'b2', null]]);
  });
});

test('status names the INVALID index a failed CREATE INDEX CONCURRENTLY left, and the statement; up --resume drops that index and builds it again', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    const failed = await cli(sql, db, 'up');
    assert.is(failed.status, 1);
    assert.match(failed.stderr, '`pgstrata up --resume` drops it before running the statement again');
    const human = await cli(sql, db, 'status');
    assert.is(human.status, 0, human.stderr);
    assert.match(human.stdout, '\n  statement 2: CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b)\n');
    assert.match(human.stdout, 'The failed statement left the INVALID index "public"."t_b_unique" behind');
    assert.match(human.stdout, 'DROP INDEX CONCURRENTLY "public"."t_b_unique";');
    const report = JSON.parse((await cli(sql, db, 'status', '--json')).stdout);
    assert.equal(report.dirty[0].invalidIndexes, ['"public"."t_b_unique"']);
    assert.is(report.dirty[0].statement, 'CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b)');

    // The operator fixes the data only; the INVALID index is still there.
    await db.query('UPDATE t SET b = id');
    assert.equal(await invalidIndexes(db), ['t_b_unique']);
    const resumed = await cli(sql, db, 'up', '--resume');
    assert.is(resumed.status, 0, resumed.stderr);
    const drop = resumed.stderr.split('\n').filter((l) => l.includes('"event":"drop-invalid-index"')).map((l) => JSON.parse(l) as { msg: string });
    assert.is(drop.length, 1, resumed.stderr);
    assert.match(drop[0]!.msg, 'dropping the INVALID index "public"."t_b_unique" that statement 2 left when it failed');
    assert.equal(await invalidIndexes(db), []);
    const unique = await db.query<{ u: boolean }>("SELECT i.indisunique AS u FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_b_unique' AND i.indisvalid");
    assert.equal(unique, [{ u: true }], 't_b_unique was built again, valid');
    assert.is((await rowOf(db, 'b2'))?.state, 'applied');
  });
});

test('after --resume, duration_ms covers the failed run and the resumed one; each log row has its own run', async () => {
  const slowThenFails: MigrationSpec = { revision: 'b2', parents: ['a1'], header: ['transaction: none'], up: 'SELECT pg_sleep(0.8);\nSELECT 1/0;', down: '-- transaction: none\nSELECT 1;' };
  await withHistory([table, slowThenFails], async (sql, db) => {
    assert.is((await cli(sql, db, 'up')).status, 1);
    sql.write({ ...slowThenFails, up: 'SELECT pg_sleep(0.8);\nSELECT 1;' });
    const resumed = await cli(sql, db, 'up', '--resume');
    assert.is(resumed.status, 0, resumed.stderr);
    const [row] = await db.query<{ duration_ms: number }>("SELECT duration_ms FROM pgstrata_version WHERE revision = 'b2'");
    assert.ok(row!.duration_ms >= 800, `duration_ms ${row!.duration_ms} includes the 0.8 s statement of the failed run`);
    const log = await db.query<{ duration_ms: number; error: string | null }>("SELECT duration_ms, error FROM pgstrata_version_log WHERE revision = 'b2' ORDER BY id");
    assert.equal(log.map((l) => l.error), ['22012', null]);
    assert.ok(log[0]!.duration_ms >= 800 && log[1]!.duration_ms < 800, JSON.stringify(log));
    assert.is(log[0]!.duration_ms + log[1]!.duration_ms, row!.duration_ms, 'the log rows add up to the recorded duration');
  });
});

test('resolve --rolled-back makes a dirty revision pending again; resolve --applied records it as applied', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    assert.is((await cli(sql, db, 'up')).status, 1);
    const notDirty = await cli(sql, db, 'resolve', 'a1', '--applied');
    assert.is(notDirty.status, 2);
    assert.match(notDirty.stderr, 'a1 is applied, not dirty');
    const neither = await cli(sql, db, 'resolve', 'b2');
    assert.is(neither.status, 2, 'one of --applied / --rolled-back is required');
    assert.match(neither.stderr, 'resolve needs exactly one of --applied or --rolled-back');
    assert.is((await rowOf(db, 'b2'))?.state, 'failed', 'a refused resolve changes nothing');

    // The operator undoes what ran, then says so.
    await db.query('DROP INDEX CONCURRENTLY t_b_unique');
    await db.query('DROP INDEX CONCURRENTLY t_c');
    const back = await cli(sql, db, 'resolve', 'b2', '--rolled-back');
    assert.is(back.status, 0, back.stderr);
    assert.is(await rowOf(db, 'b2'), undefined);
    const status = JSON.parse((await cli(sql, db, 'status', '--json')).stdout);
    assert.equal(status.pending, ['b2']);
    assert.equal(status.dirty, []);

    // Fails again; this time the operator finishes the statements by hand.
    assert.is((await cli(sql, db, 'up')).status, 1);
    await db.query('DROP INDEX CONCURRENTLY t_b_unique');
    await db.query('UPDATE t SET b = id');
    await db.query('CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b)');
    await db.query('CREATE INDEX CONCURRENTLY t_bc ON t (b, c)');
    const fwd = await cli(sql, db, 'resolve', 'b', '--applied');
    assert.is(fwd.status, 0, fwd.stderr);
    assert.match(fwd.stdout, 'Recorded b2 as applied');
    assert.is((await rowOf(db, 'b2'))?.state, 'applied');
    const up = await cli(sql, db, 'up');
    assert.is(up.status, 0, up.stderr);
    assert.match(up.stdout, 'Nothing to apply');
    const events = (await db.query<{ event: string }>("SELECT event FROM pgstrata_version_log WHERE revision = 'b2' ORDER BY id")).map((r) => r.event);
    assert.equal(events, ['up', 'resolve-rolled-back', 'up', 'resolve-applied']);
  });
});

test('an interrupted run stays marked running; --resume continues with the not-yet-run statements edited', async () => {
  const slow: MigrationSpec = {
    ...indexes,
    up: 'CREATE INDEX CONCURRENTLY t_c ON t (c);\nSELECT pg_sleep(600);\nCREATE INDEX CONCURRENTLY t_bc ON t (b, c);',
    down: '-- transaction: none\nDROP INDEX CONCURRENTLY IF EXISTS t_bc;\nDROP INDEX CONCURRENTLY t_c;',
  };
  await withHistory([table, slow], async (sql, db) => {
    const run = cli(sql, db, 'up');
    // The runner's backend dies in the middle of statement 2, as on a server crash or failover.
    const sleeper = await waitFor(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_sleep(600)' AND state = 'active'");
    assert.equal(await db.query('SELECT pg_terminate_backend($1) AS ok', [sleeper]), [{ ok: true }]);
    const result = await run;
    assert.is(result.status, 1, result.stderr);
    assert.match(result.stderr, 'ERROR 57P01: terminating connection due to administrator command');
    const row = await rowOf(db, 'b2');
    assert.equal([row?.state, row?.statements_done, row?.statements_total], ['running', 1, 3]);

    const status = await cli(sql, db, 'status');
    assert.match(status.stdout, 'the run was interrupted during or after statement 2');
    assert.match(status.stdout, '\n  statement 2: SELECT pg_sleep(600)\n', 'the statement it was running, from the SQL stored in the row');
    assert.match(status.stdout, 'no runner holds the migration lock');

    // Statement 1 is unchanged, so --resume may run the edited statement 2.
    sql.write({ ...slow, up: slow.up.replace('pg_sleep(600)', 'pg_sleep(0)') });
    const resumed = await cli(sql, db, 'up', '--resume', '--log-level', 'warn');
    assert.is(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, 'continuing with the file as it is now');
    assert.is((await rowOf(db, 'b2'))?.state, 'applied');

    // Editing a statement that already ran makes --resume refuse (here, after a fresh failure).
    assert.is((await cli(sql, db, 'down')).status, 0);
    sql.write({ ...slow, up: 'CREATE INDEX CONCURRENTLY t_c ON t (c);\nSELECT 1/0;' });
    assert.is((await cli(sql, db, 'up')).status, 1);
    sql.write({ ...slow, up: 'CREATE INDEX CONCURRENTLY t_c2 ON t (c);\nSELECT 1;' });
    const refused = await cli(sql, db, 'up', '--resume');
    assert.is(refused.status, 2);
    assert.match(refused.stderr, 'changed in the 1 statement that already ran');
  });
});

test('a down outside a transaction that fails part-way is continued by down --resume, not by up --resume', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    const failed = await failedDown(sql, db);
    assert.match(failed.stderr, 'b2_step.sql:3:1: ERROR 42704');
    const row = await rowOf(db, 'b2');
    assert.equal([row?.state, row?.direction, row?.statements_done], ['failed', 'down', 1]);

    const wrongWay = await cli(sql, db, 'up', '--resume');
    assert.is(wrongWay.status, 1);
    assert.match(wrongWay.stderr, 'pgstrata down --resume');

    sql.write({ ...indexes, down: '-- transaction: none\nDROP INDEX CONCURRENTLY t_bc;\nDROP INDEX CONCURRENTLY t_b_unique;\nDROP INDEX CONCURRENTLY t_c;' });
    const resumed = await cli(sql, db, 'down', '--resume');
    assert.is(resumed.status, 0, resumed.stderr);
    assert.is(await rowOf(db, 'b2'), undefined);
    const names = (await db.query<{ n: string }>("SELECT indexname AS n FROM pg_indexes WHERE tablename = 't'")).map((r) => r.n);
    assert.equal(names, ['t_pkey']);
    const status = JSON.parse((await cli(sql, db, 'status', '--json')).stdout);
    assert.equal(status.current, ['a1'], 'down --resume finished only the interrupted down');
  });
});

/** b2 applied, then a down that fails at its second statement after dropping t_bc. */
async function failedDown(sql: TempSql, db: TestDatabase): Promise<CliResult> {
  assert.is((await cli(sql, db, 'up', 'a1')).status, 0);
  await db.query('UPDATE t SET b = id');
  assert.is((await cli(sql, db, 'up')).status, 0);
  sql.write({ ...indexes, down: '-- transaction: none\nDROP INDEX CONCURRENTLY t_bc;\nDROP INDEX CONCURRENTLY t_no_such_index;\nDROP INDEX CONCURRENTLY t_c;' });
  const failed = await cli(sql, db, 'down');
  assert.is(failed.status, 1);
  assert.equal((await rowOf(db, 'b2'))?.state, 'failed');
  return failed;
}

const indexNames = async (db: TestDatabase) => (await db.query<{ n: string }>("SELECT indexname AS n FROM pg_indexes WHERE tablename = 't' ORDER BY 1")).map((r) => r.n);

test('resolve --applied on a dirty down: the down is complete, so the revision is no longer applied', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    const failed = await failedDown(sql, db);
    assert.match(failed.stderr, '`pgstrata resolve b2 --applied` once you have finished its down by hand (it is then no longer applied)');
    assert.match(failed.stderr, '`pgstrata resolve b2 --rolled-back` once you have undone what the down ran (it stays applied)');
    const status = await cli(sql, db, 'status');
    assert.match(status.stdout, 'finished its down by hand (it is then no longer applied)');

    // The operator finishes the down by hand.
    await db.query('DROP INDEX CONCURRENTLY t_b_unique');
    await db.query('DROP INDEX CONCURRENTLY t_c');
    const dry = await cli(sql, db, 'resolve', 'b2', '--applied', '--dry-run');
    assert.match(dry.stdout, 'Would record the down of b2 as finished');
    assert.is((await rowOf(db, 'b2'))?.state, 'failed', 'the dry run changed nothing');
    const done = await cli(sql, db, 'resolve', 'b2', '--applied');
    assert.is(done.status, 0, done.stderr);
    assert.match(done.stdout, 'Recorded the down of b2 as finished: its row is removed and it is no longer applied');
    assert.is(await rowOf(db, 'b2'), undefined);
    const report = JSON.parse((await cli(sql, db, 'status', '--json')).stdout);
    assert.equal([report.current, report.pending, report.dirty], [['a1'], ['b2'], []]);
    const events = (await db.query<{ event: string; error: string | null }>("SELECT event, error FROM pgstrata_version_log WHERE revision = 'b2' ORDER BY id")).map((r) => [r.event, r.error]);
    assert.equal(events, [['up', null], ['down', '42704'], ['resolve-applied', null]]);
    assert.equal(await indexNames(db), ['t_pkey']);
  });
});

test('resolve --rolled-back on a dirty down: what it dropped is back, so the revision stays applied', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    await failedDown(sql, db);
    // The operator puts back the index the down had dropped.
    await db.query('CREATE INDEX CONCURRENTLY t_bc ON t (b, c)');
    const undone = await cli(sql, db, 'resolve', 'b2', '--rolled-back');
    assert.is(undone.status, 0, undone.stderr);
    assert.match(undone.stdout, 'Recorded the down of b2 as undone: b2 stays applied');
    const row = await rowOf(db, 'b2');
    assert.equal([row?.state, row?.direction, row?.statements_done, row?.failed_location, row?.error], ['applied', 'up', null, null, null]);
    const report = JSON.parse((await cli(sql, db, 'status', '--json')).stdout);
    assert.equal([report.current, report.pending, report.dirty], [['b2'], [], []]);
    assert.match((await cli(sql, db, 'up')).stdout, 'Nothing to apply');
    const events = (await db.query<{ event: string }>("SELECT event FROM pgstrata_version_log WHERE revision = 'b2' ORDER BY id")).map((r) => r.event);
    assert.equal(events, ['up', 'down', 'resolve-rolled-back']);

    // A working down file then takes it down as usual.
    sql.write(indexes);
    const down = await cli(sql, db, 'down');
    assert.is(down.status, 0, down.stderr);
    assert.equal(await indexNames(db), ['t_pkey']);
  });
});

test('CREATE INDEX CONCURRENTLY finishes while another runner waits for the lock (no deadlock)', async () => {
  const cic: MigrationSpec = { revision: 'b2', parents: ['a1'], header: ['transaction: none'], up: 'CREATE INDEX CONCURRENTLY t_c ON t (c);', down: '-- transaction: none\nDROP INDEX CONCURRENTLY t_c;' };
  await withHistory([table, cic], async (sql, db) => {
    assert.is((await cli(sql, db, 'up', 'a1')).status, 0);
    // A writer's open transaction makes runner A's CREATE INDEX CONCURRENTLY wait.
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO t VALUES (1000, 1, 1)');
      const a = cli(sql, db, 'up');
      const aPid = await waitFor(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'");
      const b = cli(sql, db, 'up', '--lock-timeout', '2m', '--log-level', 'info', '--log-format', 'json');
      // B polls pg_try_advisory_lock in autocommit statements: it holds no snapshot for A to wait on.
      await waitFor(db, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgstrata' AND pid <> ${aPid} AND query LIKE '%pg_catalog.pg_try_advisory_lock(%'`);
      await writer.query('COMMIT');
      const [ra, rb] = await Promise.all([a, b]);
      assert.is(ra.status, 0, ra.stderr);
      assert.is(rb.status, 0, rb.stderr);
      assert.match(rb.stderr, 'waiting for the migration lock');
      assert.match(rb.stdout, 'Nothing to apply');
      assert.equal(await invalidIndexes(db), []);
      assert.is((await rowOf(db, 'b2'))?.state, 'applied');
    } finally {
      await writer.end();
    }
  });
});

/** Polls until `sql` returns a row; returns its pid. Fails after a minute rather than hang the suite. */
function waitFor(db: TestDatabase, sql: string): Promise<number> {
  return eventually(sql, async () => (await db.query<{ pid: number }>(sql))[0]?.pid);
}

test('status reads a version table from before the journal columns; up upgrades it in place', async () => {
  await withHistory([table, indexes], async (sql, db) => {
    // The tables as the first pgstrata release created them, with a1 applied.
    await db.query(`CREATE TABLE pgstrata_version (revision text PRIMARY KEY, down_revision text[] NOT NULL DEFAULT '{}', message text NOT NULL DEFAULT '', checksum text NOT NULL, down_checksum text, up_sql text NOT NULL, down_sql text, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user, duration_ms integer, pgstrata_version text NOT NULL);
      CREATE TABLE pgstrata_version_log (id bigserial PRIMARY KEY, event text NOT NULL CHECK (event IN ('up', 'down', 'stamp', 'unstamp')), revision text NOT NULL, at timestamptz NOT NULL DEFAULT now(), by text NOT NULL DEFAULT current_user, duration_ms integer, error text);
      ${table.up}
      UPDATE t SET b = id;`);
    await db.query("INSERT INTO pgstrata_version (revision, checksum, up_sql, pgstrata_version) VALUES ('a1', $1, $2, '0.1.0')", [checksum(upText(table)), upText(table)]);

    const status = await cli(sql, db, 'status', '--json');
    assert.is(status.status, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    assert.equal(report.current, ['a1']);
    assert.equal(report.pending, ['b2']);
    const columns = async () => (await db.query<{ c: string }>("SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'pgstrata_version'")).map((r) => r.c);
    assert.not.ok((await columns()).includes('state'), 'a read-only command changes nothing');

    const up = await cli(sql, db, 'up');
    assert.is(up.status, 0, up.stderr);
    assert.ok((await columns()).includes('statements_done'));
    assert.is((await rowOf(db, 'a1'))?.state, 'applied');
    assert.is((await rowOf(db, 'b2'))?.state, 'applied');
    const checks = await db.query<{ def: string }>("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'pgstrata_version_log'::regclass AND contype = 'c'");
    assert.is(checks.length, 1);
    assert.match(checks[0]!.def, 'resolve-rolled-back');
  });
});

test.run();
