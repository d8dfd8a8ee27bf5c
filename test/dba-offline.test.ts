// Offline scripts: `up --sql` / `down --sql` print what the runner would send, and running that
// with psql leaves the same schema (pg_dump --schema-only) and version rows as running online.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR, tempSql, type TempSql } from './helpers/migrations.js';
import { psqlFile, schemaDump } from './helpers/pgtools.js';
import { withDatabase, withTwoDatabases, type TestDatabase } from './helpers/postgres.js';
import { lockKey } from '../src/runner/store/lock.js';

/** The Genesis history plus a revision outside a transaction, so both kinds of step are covered. */
function genesisPlusIndexes(): TempSql {
  const sql = tempSql([], { copyGenesis: true });
  sql.write({
    revision: 'e1a2b3c4d5e6',
    parents: ['f45c116fedf1'],
    message: 'index users by name and creation time',
    slug: 'index_users',
    header: ['transaction: none', 'lock_timeout: 5s'],
    up: 'CREATE INDEX CONCURRENTLY ix_users_name ON users (name);\n-- a comment between statements\nCREATE INDEX CONCURRENTLY ix_users_created_at ON users (created_at)',
    down: '-- transaction: none\nDROP INDEX CONCURRENTLY ix_users_created_at;\nDROP INDEX CONCURRENTLY ix_users_name;',
  });
  return sql;
}

const scratch = mkdtempSync(join(tmpdir(), 'pgstrata-scripts-'));
let scripts = 0;

/** Writes a script to a file and runs it with psql -v ON_ERROR_STOP=1 -f. */
async function runScript(url: string, script: string, env: Record<string, string> = {}) {
  const file = join(scratch, `script-${++scripts}.sql`);
  writeFileSync(file, script);
  return psqlFile(url, file, env);
}

/** What must match between two databases: the rows, without times and who ran them. */
async function versionRows(db: TestDatabase) {
  const rows = await db.query(
    `SELECT revision, down_revision, message, checksum, down_checksum, up_sql, down_sql, pgstrata_version, state, direction, statements_done, statements_total, failed_statement, error
       FROM pgstrata_version ORDER BY revision`,
  );
  const log = await db.query('SELECT event, revision, error FROM pgstrata_version_log ORDER BY id');
  return { rows, log };
}

test('up --sql run with psql and up online leave identical schemas and version rows; likewise down --sql', async () => {
  const sql = genesisPlusIndexes();
  try {
    await withTwoDatabases(async (offline, online) => {
      const script = await runCli(['--dir', sql.dir, 'up', '--sql']);
      assert.is(script.status, 0, script.stderr);
      assert.match(script.stdout, /^BEGIN;$/m);
      assert.match(script.stdout, /^SET LOCAL lock_timeout = E'5s';$/m);
      assert.match(script.stdout, /^COMMIT;$/m);
      assert.match(script.stdout, "INSERT INTO \"public\".\"pgstrata_version\" (revision, down_revision, message, checksum, down_checksum, up_sql, down_sql, pgstrata_version, state, direction, statements_done, statements_total, started_at) VALUES (E'e1a2b3c4d5e6'");
      assert.match(script.stdout, /^CREATE INDEX CONCURRENTLY ix_users_created_at ON users \(created_at\);$/m);

      const ran = await runScript(offline.url, script.stdout);
      assert.is(ran.status, 0, ran.stderr);
      const up = await runCli(['--dir', sql.dir, '--url', online.url, 'up']);
      assert.is(up.status, 0, up.stderr);
      const dump = await schemaDump(offline.url);
      assert.match(dump, 'CREATE INDEX ix_users_created_at ON public.users USING btree (created_at);');
      assert.fixture(dump, await schemaDump(online.url));
      assert.equal(await versionRows(offline), await versionRows(online));
      assert.is((await versionRows(offline)).rows.length, 4);

      // Down to the first revision: the script assumes the database is at head (--from heads).
      const down = await runCli(['--dir', sql.dir, 'down', '2c43863b5e49', '--sql', '--from', 'heads']);
      assert.is(down.status, 0, down.stderr);
      assert.match(down.stdout, 'DROP INDEX CONCURRENTLY ix_users_name;');
      const ranDown = await runScript(offline.url, down.stdout);
      assert.is(ranDown.status, 0, ranDown.stderr);
      const downOnline = await runCli(['--dir', sql.dir, '--url', online.url, 'down', '2c43863b5e49']);
      assert.is(downOnline.status, 0, downOnline.stderr);
      assert.fixture(await schemaDump(offline.url), await schemaDump(online.url));
      assert.equal(await versionRows(offline), await versionRows(online));
      assert.equal((await versionRows(offline)).rows.map((r) => r.revision), ['2c43863b5e49']);
    });
  } finally {
    sql.remove();
  }
});

test('an up --sql script sets the client encoding itself: run under PGCLIENTENCODING=LATIN1 it records the same SQL as up online', async () => {
  await withTwoDatabases(async (offline, online) => {
    const script = await runCli(['--dir', GENESIS_DIR, 'up', '--sql']);
    assert.is(script.status, 0, script.stderr);
    assert.is(script.stdout.split('\n')[0], "SET client_encoding = 'UTF8';", 'before anything else');
    assert.ok(/[^\x00-\x7f]/.test(script.stdout), 'the Genesis files hold non-ASCII text (em dashes)');
    const ran = await runScript(offline.url, script.stdout, { PGCLIENTENCODING: 'LATIN1' });
    assert.is(ran.status, 0, ran.stderr);
    assert.is((await runCli(['--dir', GENESIS_DIR, '--url', online.url, 'up'])).status, 0);
    const sums = (db: TestDatabase) => db.query('SELECT revision, md5(up_sql) AS up, md5(down_sql) AS down FROM pgstrata_version ORDER BY revision');
    const recorded = await sums(offline);
    assert.is(recorded.length, 3);
    assert.equal(recorded, await sums(online));
  });
});

test('up --sql --url starts from what the database has applied, read-only', async () => {
  const sql = genesisPlusIndexes();
  try {
    await withDatabase(async (db) => {
      assert.is((await runCli(['--dir', sql.dir, '--url', db.url, 'up', 'd3ea4d165475'])).status, 0);
      const before = await versionRows(db);
      const script = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--sql', 'f45c116fedf1']);
      assert.is(script.status, 0, script.stderr);
      assert.match(script.stdout, '--   up   f45c116fedf1');
      assert.match(script.stdout, '-- up f45c116fedf1: ');
      assert.not.match(script.stdout, '-- up 2c43863b5e49');
      assert.not.match(script.stdout, /^--\s+up\s+(2c43863b5e49|d3ea4d165475)/m, 'applied revisions are not in the script');
      assert.not.match(script.stdout, 'e1a2b3c4d5e6');
      assert.equal(await versionRows(db), before, 'generating the script wrote nothing');
      const ran = await runScript(db.url, script.stdout);
      assert.is(ran.status, 0, ran.stderr);
      assert.equal((await versionRows(db)).rows.map((r) => r.revision), ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1']);

      // With no database at all, the script starts from base.
      const fresh = await runCli(['--dir', sql.dir, 'up', '--sql', 'f45c116fedf1']);
      assert.is(fresh.status, 0, fresh.stderr);
      assert.match(fresh.stdout, '-- up 2c43863b5e49');
    });
  } finally {
    sql.remove();
  }
});

test('up --sql --url refuses, as up does, when an applied file changed since it ran', async () => {
  const sql = genesisPlusIndexes();
  try {
    await withDatabase(async (db) => {
      assert.is((await runCli(['--dir', sql.dir, '--url', db.url, 'up', 'd3ea4d165475'])).status, 0);
      const file = join(sql.dir, 'up', '2c43863b5e49_initial_migration.sql');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nCREATE INDEX ix_users_created ON users (created_at);\n`);
      const refused = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--sql']);
      assert.is(refused.status, 4, refused.stderr);
      assert.match(refused.stderr, '2c43863b5e49_initial_migration.sql: changed since it was applied (revision 2c43863b5e49)');
      assert.is(refused.stdout, '', 'no script is printed');
      const allowed = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--sql', '--allow-drift']);
      assert.is(allowed.status, 0, allowed.stderr);
      assert.match(allowed.stdout, '-- up f45c116fedf1: ');
      assert.not.match(allowed.stdout, '-- up 2c43863b5e49');
    });
  } finally {
    sql.remove();
  }
});

test('a script stops before changing anything when the database is not where it starts, or another runner holds the lock', async () => {
  const sql = tempSql([], { copyGenesis: true });
  try {
    await withDatabase(async (db) => {
      const fromBaseRun = await runCli(['--dir', sql.dir, 'up', '--sql']);
      assert.is(fromBaseRun.status, 0, fromBaseRun.stderr);
      const fromBase = fromBaseRun.stdout;
      assert.is((await runCli(['--dir', sql.dir, '--url', db.url, 'up', '2c43863b5e49'])).status, 0);
      const schemaBefore = await schemaDump(db.url);
      const wrongStart = await runScript(db.url, fromBase);
      assert.is(wrongStart.status, 3, 'psql -v ON_ERROR_STOP=1 stops the script with an error');
      assert.match(wrongStart.stderr, 'pgstrata.database_is_not_where_this_script_starts');
      assert.equal((await versionRows(db)).rows.map((r) => r.revision), ['2c43863b5e49']);
      assert.fixture(await schemaDump(db.url), schemaBefore, 'the script changed nothing');

      const restRun = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--sql']);
      assert.is(restRun.status, 0, restRun.stderr);
      const rest = restRun.stdout;
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(lockKey('public', 'pgstrata_version'))]);
        const locked = await runScript(db.url, rest);
        assert.is(locked.status, 3, 'psql -v ON_ERROR_STOP=1 stops the script with an error');
        assert.match(locked.stderr, 'pgstrata.another_runner_holds_the_migration_lock');
        assert.equal((await versionRows(db)).rows.length, 1);
        assert.fixture(await schemaDump(db.url), schemaBefore, 'the script changed nothing');
      } finally {
        await holder.end();
      }
      const ran = await runScript(db.url, rest);
      assert.is(ran.status, 0, ran.stderr);
      assert.equal((await versionRows(db)).rows.map((r) => r.revision), ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1']);
    });
  } finally {
    sql.remove();
  }
});

test('--dry-run prints the plan in order and executes nothing, not even the version table', async () => {
  const sql = genesisPlusIndexes();
  try {
    await withDatabase(async (db) => {
      const plan = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--dry-run']);
      assert.is(plan.status, 0, plan.stderr);
      const lines = plan.stdout.trim().split('\n');
      assert.match(lines[0]!, 'Would apply 4 revisions');
      assert.equal(lines.slice(1).map((l) => l.trim().split(/\s+/)[1]), ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1', 'e1a2b3c4d5e6']);
      assert.match(lines[4]!, '[transaction: none]');
      const tables = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      assert.equal(tables, []);
      const usage = await runCli(['--dir', sql.dir, 'up', '--sql', '--dry-run']);
      assert.is(usage.status, 2);
      assert.match(usage.stderr, '--sql and --dry-run: choose one');
      const from = await runCli(['--dir', sql.dir, '--url', db.url, 'up', '--from', 'base']);
      assert.is(from.status, 2);
      assert.match(from.stderr, '--from goes with --sql');
    });
  } finally {
    sql.remove();
  }
});

test('down --sql with no database and no --from says to name the starting point', async () => {
  const r = await runCli(['--dir', GENESIS_DIR, 'down', '--sql']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'down --sql with no database starts from base, where nothing is applied to revert');
  assert.match(r.stderr, '--from head (or --from <rev>)');
  assert.is(r.stdout, '');
  const from = await runCli(['--dir', GENESIS_DIR, 'down', '--sql', '--from', 'head']);
  assert.is(from.status, 0, from.stderr);
  assert.match(from.stdout, '-- down f45c116fedf1');
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
