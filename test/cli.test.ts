// End to end: the built CLI against a real PostgreSQL server, one fresh database per test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, type LiveCli } from './helpers/cli.js';
import { eventually } from './helpers/process.js';
import { withDatabase } from './helpers/postgres.js';
import { GENESIS_DIR, genesisRows, tempSql, linearHistory, fileName } from './helpers/migrations.js';
import { schemaDump } from './helpers/pgtools.js';
import { lockKey } from '../src/runner/store/lock.js';

const cli = (url: string, dir: string, ...args: string[]) => runCli([...args, '--url', url, '--dir', dir]);

test('Genesis: up on a populated database, down to base, up again with an identical schema', () =>
  withDatabase(async (db) => {
    let r = await cli(db.url, GENESIS_DIR, 'up', '2c43863b5e49');
    assert.is(r.status, 0, r.stderr);
    const initial = await schemaDump(db.url, ['--exclude-table', 'pgstrata_version*']);
    await db.query(genesisRows());
    r = await cli(db.url, GENESIS_DIR, 'up');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /up   d3ea4d165475/);
    assert.match(r.stdout, /up   f45c116fedf1/);
    const head = await schemaDump(db.url);
    const names = await db.query<{ name: string }>('SELECT name FROM users ORDER BY email');
    assert.equal(names.map((n) => n.name), ['Aïcha Koné', 'kofi.mensah', 'Moussa Diallo']);

    r = await cli(db.url, GENESIS_DIR, 'down', 'base');
    assert.is(r.status, 0, r.stderr);
    const left = await db.query<{ relname: string }>("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r','S','v','m') ORDER BY 1");
    assert.equal(left.map((t) => t.relname), ['pgstrata_version', 'pgstrata_version_log', 'pgstrata_version_log_id_seq']);
    const types = await db.query("SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'");
    assert.equal(types, []);
    assert.equal(await db.query('SELECT revision FROM pgstrata_version'), [], 'down base removes every version row');

    r = await cli(db.url, GENESIS_DIR, 'up', '2c43863b5e49');
    assert.is(r.status, 0, r.stderr);
    assert.is(await schemaDump(db.url, ['--exclude-table', 'pgstrata_version*']), initial, 'each down returns the schema to what its up started from');
    r = await cli(db.url, GENESIS_DIR, 'up');
    assert.is(r.status, 0, r.stderr);
    assert.is(await schemaDump(db.url), head);
  }),
);

test('8 runners started at once apply each revision exactly once, and all exit 0; the waiting ones name the pgstrata runner holding the lock', () =>
  withDatabase(async (db) => {
    // The first revision waits on an advisory lock the test holds, so whichever runner takes the
    // migration lock keeps it until the other 7 have certainly found it taken and said so.
    const GATE = 731_001;
    const [first, ...rest] = linearHistory(30);
    const sql = tempSql([{ ...first!, up: `${first!.up}\nSELECT pg_advisory_xact_lock(${GATE});` }, ...rest]);
    const gate = new pg.Client({ connectionString: db.url });
    let runners: LiveCli[] = [];
    try {
      await gate.connect();
      await gate.query(`SELECT pg_advisory_lock(${GATE})`);
      runners = Array.from({ length: 8 }, () => startCli(['up', '--url', db.url, '--dir', sql.dir, '--log-level', 'info', '--log-format', 'json']));
      const waiting = () => runners.filter((r) => r.stderr().includes('"event":"lock-wait"'));
      await eventually('7 runners to log that they wait for the migration lock', async () => (waiting().length >= 7 ? true : undefined));
      await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
      const runs = await Promise.all(runners.map((r) => r.done));
      assert.equal(runs.map((r) => r.status), [0, 0, 0, 0, 0, 0, 0, 0], runs.map((r) => r.stderr).join('\n'));
      const ups = await db.query<{ revision: string; n: string }>("SELECT revision, count(*) AS n FROM pgstrata_version_log WHERE event = 'up' GROUP BY revision");
      assert.is(ups.length, 30);
      assert.ok(ups.every((u) => Number(u.n) === 1), JSON.stringify(ups));
      assert.is((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pgstrata_version'))[0]!.n, '30');
      const firstWaits = runs
        .map((r) => r.stderr.split('\n').find((l) => l.includes('"event":"lock-wait"')))
        .filter((l): l is string => l !== undefined)
        .map((l) => JSON.parse(l) as { holder: { pid: number; applicationName: string } | null });
      assert.ok(firstWaits.length >= 7, 'the waiting runners say who holds the lock');
      for (const w of firstWaits) assert.is(w.holder?.applicationName, 'pgstrata', JSON.stringify(w));
      assert.is(new Set(firstWaits.map((w) => w.holder!.pid)).size, 1, 'they all name the one runner that holds it');
    } finally {
      for (const r of runners) r.child.kill('SIGKILL');
      await gate.end().catch(() => {});
      sql.remove();
    }
  }),
);

test('a failing migration rolls back and reports file:line:col in a CRLF file with multibyte text', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }]);
    try {
      sql.raw('up', 'b2_broken.sql', "-- revision: b2\r\n-- down_revision: a1\r\n\r\nCREATE TABLE half (id int);\r\nINSERT INTO half VALUES (1); SELECT 'Ünïcödé 😀', nosuchcolumn FROM half;\r\n");
      sql.raw('down', 'b2_broken.sql', 'DROP TABLE half;\r\n');
      const r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /up\/b2_broken\.sql:5:50: ERROR 42703: column "nosuchcolumn" does not exist/);
      assert.match(r.stderr, /rolled back/);
      const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
      assert.equal(tables.map((t) => t.tablename), ['a', 'pgstrata_version', 'pgstrata_version_log']);
      assert.equal(await db.query('SELECT revision FROM pgstrata_version'), [{ revision: 'a1' }], 'b2 is not recorded as applied');
      const [log] = await db.query<{ error: string }>("SELECT error FROM pgstrata_version_log WHERE revision = 'b2'");
      assert.is(log!.error, '42703');
    } finally {
      sql.remove();
    }
  }),
);

test('drift stops up with exit 4 naming the file; a CRLF-only change is not drift', () =>
  withDatabase(async (db) => {
    const [a, b] = linearHistory(2);
    const sql = tempSql([a!, b!]);
    try {
      assert.is((await cli(db.url, sql.dir, 'up', a!.revision)).status, 0);
      const path = join(sql.dir, 'up', fileName(a!));
      writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'));
      let r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      writeFileSync(path, readFileSync(path, 'utf8') + '\nCREATE INDEX ON t_1 (note);\n');
      sql.write({ ...linearHistory(3)[2]! });
      r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 4, r.stderr);
      assert.match(r.stderr, new RegExp(`${fileName(a!)}: changed since it was applied`));
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_3'"), [], 'nothing ran');
      r = await cli(db.url, sql.dir, 'up', '--allow-drift');
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stderr, `${fileName(a!)}: applied revision ${a!.revision} changed since it ran (allowed by --allow-drift)`);
      const applied = await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision');
      assert.equal(applied.map((v) => v.revision), ['r000001', 'r000002', 'r000003'], '--allow-drift goes on and applies the pending revision');
      assert.is((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_3'")).length, 1);
    } finally {
      sql.remove();
    }
  }),
);

test('invalid files exit 3 with every problem listed, and nothing is written to the database', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }]);
    try {
      sql.raw('up', 'b2_bad.sql', '-- revision: b2\n-- down_revison: a1\n\nSELECT 1;\n');
      sql.raw('up', 'c3_nodown.sql', '-- revision: c3\n-- down_revision: a1\n\nSELECT 1;\n');
      const r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 3);
      assert.match(r.stderr, /b2_bad\.sql:2: unknown header key "down_revison"/);
      assert.match(r.stderr, /c3_nodown\.sql: missing down file/);
      const tables = await db.query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'");
      assert.equal(tables, [], 'no version table, no tables');
    } finally {
      sql.remove();
    }
  }),
);

test('the lock times out with exit 5 and names the holder; passwords never print; bad hosts exit 6', () =>
  withDatabase(async (db) => {
    const sql = tempSql(linearHistory(1));
    const holder = new pg.Client({ connectionString: db.url, application_name: 'someone-else' });
    try {
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(lockKey('public', 'pgstrata_version'))]);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const r = await cli(db.url, sql.dir, 'up', '--lock-timeout', '1s');
      assert.is(r.status, 5, r.stderr);
      assert.match(r.stderr, new RegExp(`held by pid ${pid}, application_name someone-else`));
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_1'"), [], 'nothing ran without the lock');
      const other = await runCli(['up', '--url', db.url, '--dir', sql.dir, '--table', 'other_versions', '--lock-timeout', '1s']);
      assert.is(other.status, 0, 'another version table has another lock');
      assert.equal(await db.query('SELECT revision FROM other_versions'), [{ revision: 'r000001' }]);
      assert.is((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_1'")).length, 1);

      const secret = 's3cr3t-Pa55';
      const bad = await runCli(['status', '--url', `postgres://postgres:${secret}@127.0.0.1:1/nodb`, '--dir', sql.dir, '--log-level', 'debug']);
      assert.is(bad.status, 6, bad.stderr);
      assert.match(bad.stderr, /cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nodb/);
      assert.not.ok((bad.stdout + bad.stderr).includes(secret));
      const viaEnv = await runCli(['status', '--dir', sql.dir, '--json'], { env: { DATABASE_URL: `postgres://postgres:${secret}@127.0.0.1:1/nodb` } });
      assert.is(viaEnv.status, 6);
      assert.not.ok((viaEnv.stdout + viaEnv.stderr).includes(secret));
      assert.is(JSON.parse(viaEnv.stdout).code, 'connect');
    } finally {
      await holder.end().catch(() => {});
      sql.remove();
    }
  }),
);

test('at the default log level a waiting runner says who holds the lock, when it connected and how long it has been idle', () =>
  withDatabase(async (db) => {
    const sql = tempSql(linearHistory(1));
    const holder = new pg.Client({ connectionString: db.url, application_name: 'someone-else' });
    try {
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(lockKey('public', 'pgstrata_version'))]);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const [{ at }] = (await db.query<{ at: Date }>('SELECT backend_start AS at FROM pg_stat_activity WHERE pid = $1', [pid])) as [{ at: Date }];
      for (const format of ['json', 'pretty']) {
        const r = await runCli(['up', '--url', db.url, '--dir', sql.dir, '--lock-timeout', '1500ms', '--log-format', format]);
        assert.is(r.status, 5, r.stderr);
        const waits = r.stderr.split('\n').filter((l) => l.includes('waiting for the migration lock'));
        assert.is(waits.length, 1, `one line within 1.5 s, not one per poll:\n${r.stderr}`);
        assert.match(waits[0]!, `waiting for the migration lock held by pid ${pid}, application_name someone-else, from 127.0.0.1, connected at ${at.toISOString()}, idle for `);
        if (format === 'json') assert.is(JSON.parse(waits[0]!).level, 40, 'logged at warn');
      }
    } finally {
      await holder.end().catch(() => {});
      sql.remove();
    }
  }),
);

test('nothing to do is said truthfully: a target already applied with revisions pending above it, a down to the current revision', () =>
  withDatabase(async (db) => {
    assert.is((await cli(db.url, GENESIS_DIR, 'up', 'd3ea')).status, 0);
    let r = await cli(db.url, GENESIS_DIR, 'up', '2c');
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'Nothing to apply: 2c43863b5e49 is already applied (1 revision pending above it; `up` applies it).\n');
    r = await cli(db.url, GENESIS_DIR, 'up', 'd3ea', '--json');
    assert.is(JSON.parse(r.stdout).note, 'Nothing to apply: d3ea4d165475 is already applied (1 revision pending above it; `up` applies it).');
    r = await cli(db.url, GENESIS_DIR, 'down', 'd3ea');
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'Nothing to revert: d3ea4d165475 is the current revision (down to a revision keeps it applied; `down -1` reverts it).\n');
    r = await cli(db.url, GENESIS_DIR, 'up', 'base');
    assert.match(r.stdout, 'Nothing to apply: base is where the history starts');
    assert.is((await cli(db.url, GENESIS_DIR, 'up')).status, 0);
    r = await cli(db.url, GENESIS_DIR, 'up');
    assert.is(r.stdout, 'Nothing to apply: the database is at head.\n');
    r = await cli(db.url, GENESIS_DIR, 'up', '2c');
    assert.is(r.stdout, 'Nothing to apply: 2c43863b5e49 is already applied, and the database is at head.\n');
    assert.is((await cli(db.url, GENESIS_DIR, 'down', 'base')).status, 0);
    r = await cli(db.url, GENESIS_DIR, 'down', 'base');
    assert.is(r.stdout, 'Nothing to revert: no revision is applied.\n');
  }),
);

test('a COMMIT inside a file fails loudly at its own line, after a PL/pgSQL body, and is not recorded', () =>
  withDatabase(async (db) => {
    const body = 'CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;';
    const sql = tempSql([{ revision: 'a1', up: `CREATE TABLE a (id int);\n${body}\n  COMMIT;\nCREATE TABLE b (id int);`, down: 'DROP TABLE b; DROP FUNCTION one(); DROP TABLE a;' }]);
    try {
      const r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 1);
      assert.match(r.stderr, /a1_step\.sql:11:3: ERROR 25000: the file's COMMIT ended pgstrata's transaction\n/, 'at the COMMIT, not at the END; of the function body');
      assert.match(r.stderr, 'the statements before it were committed; what ran after it was rolled back; the revision was NOT recorded as applied.');
      assert.not.match(r.stderr, /42704|migration_ended_the_transaction/);
      assert.equal(await db.query('SELECT revision FROM pgstrata_version'), []);
      assert.equal(await db.query("SELECT error FROM pgstrata_version_log WHERE revision = 'a1'"), [{ error: '25000' }]);
      const tables = await db.query<{ t: string }>("SELECT tablename::text AS t FROM pg_tables WHERE tablename IN ('a', 'b')");
      assert.equal(tables, [{ t: 'a' }], 'what the report says: a committed, b rolled back');
    } finally {
      sql.remove();
    }
  }),
);

test('a statement failing after the file\'s COMMIT: the report names the COMMIT and keeps the error as its detail', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);\nCOMMIT;\nSELECT nosuchcolumn FROM a;\nROLLBACK;', down: 'DROP TABLE a;' }]);
    try {
      const r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 1);
      assert.match(r.stderr, /a1_step\.sql:6:1: ERROR 25000: the file's COMMIT ended pgstrata's transaction\n  DETAIL: Then, at \S*a1_step\.sql:7:8: ERROR 42703: column "nosuchcolumn" does not exist\n/);
      assert.match(r.stderr, 'the statements before it were committed', 'the ROLLBACK after the failing statement never ran');
      assert.equal(await db.query("SELECT error FROM pgstrata_version_log WHERE revision = 'a1'"), [{ error: '25000' }]);
    } finally {
      sql.remove();
    }
  }),
);

test('a statement_timeout firing in a down file points at the up file whose header sets it', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', header: ['statement_timeout: 300ms'], up: 'CREATE TABLE a (id int);', down: 'SELECT pg_sleep(5);\nDROP TABLE a;' }]);
    try {
      assert.is((await cli(db.url, sql.dir, 'up')).status, 0);
      const r = await cli(db.url, sql.dir, 'down');
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /error: down a1 failed\n\S*down\/a1_step\.sql: ERROR 57014: canceling statement due to statement timeout\n/);
      assert.match(r.stderr, /HINT: The header of \S*up\/a1_step\.sql sets statement_timeout: 300ms, which applies to its down too;/);
      assert.not.match(r.stderr, /header of \S*down\//);
      assert.equal(await db.query('SELECT revision FROM pgstrata_version'), [{ revision: 'a1' }], 'rolled back: still applied');
    } finally {
      sql.remove();
    }
  }),
);

test('new writes a pair with a fresh id under the head, and the empty file is refused until written', () =>
  withDatabase(async (db) => {
    const sql = tempSql(linearHistory(1));
    try {
      let r = await runCli(['new', 'add orders table', '--dir', sql.dir, '--json']);
      assert.is(r.status, 0, r.stderr);
      const created = JSON.parse(r.stdout) as { revision: string; parents: string[]; upFile: string; downFile: string };
      assert.match(created.revision, /^[0-9a-f]{12}$/);
      assert.equal(created.parents, ['r000001']);
      assert.match(created.upFile, new RegExp(`up/${created.revision}_add_orders_table\\.sql$`));
      r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 3);
      assert.match(r.stderr, /no SQL statement/);
      writeFileSync(created.upFile, readFileSync(created.upFile, 'utf8') + 'CREATE TABLE orders (id int);\n');
      writeFileSync(created.downFile, 'DROP TABLE orders;\n');
      r = await cli(db.url, sql.dir, 'up');
      assert.is(r.status, 0, r.stderr);
      assert.is((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'orders'")).length, 1);
      r = await cli(db.url, sql.dir, 'current');
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stdout.trim(), created.revision);
    } finally {
      sql.remove();
    }
  }),
);

test('stamp records without running; status, history, heads and dry runs print what they should', () =>
  withDatabase(async (db) => {
    let r = await cli(db.url, GENESIS_DIR, 'stamp', 'd3ea');
    assert.is(r.status, 0, r.stderr);
    assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'users'"), [], 'stamp runs no SQL');
    r = await cli(db.url, GENESIS_DIR, 'status', '--json');
    assert.is(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { current: string[]; pending: string[] };
    assert.equal([s.current, s.pending], [['d3ea4d165475'], ['f45c116fedf1']]);
    r = await cli(db.url, GENESIS_DIR, 'up', '--dry-run');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Would apply 1 revision[\s\S]*f45c116fedf1/);
    assert.equal(await db.query("SELECT 1 FROM pgstrata_version WHERE revision = 'f45c116fedf1'"), []);
    r = await cli(db.url, GENESIS_DIR, 'history', '--format', 'list');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^d3ea4d165475 -> f45c116fedf1 \(head\), add name to user model$/m);
    r = await cli(db.url, GENESIS_DIR, 'stamp', 'base');
    assert.is(r.status, 0, r.stderr);
    assert.equal(await db.query('SELECT revision FROM pgstrata_version'), []);
    const log = await db.query<{ event: string }>('SELECT event FROM pgstrata_version_log ORDER BY id');
    assert.equal(log.map((l) => l.event), ['stamp', 'stamp', 'unstamp', 'unstamp']);
  }),
);

test('subcommand --help: examples, the forms --from takes, and no global option the command ignores', async () => {
  const help = async (...args: string[]) => {
    const r = await runCli([...args, '--help']);
    assert.is(r.status, 0, r.stderr);
    return r.stdout;
  };
  for (const command of ['up', 'down', 'new', 'merge', 'stamp', 'resolve', 'locks', 'graph', 'history']) {
    assert.match(await help(command), new RegExp(`\\nExamples:\\n  pgstrata ${command} `), `${command} --help has examples`);
  }
  assert.match((await help('up')).replace(/\s+/g, ' '), 'head, heads, base, a revision id or unique prefix');
  const heads = await help('heads');
  for (const ignored of ['--url', '--schema', '--table', '--lock-timeout', '--dry-run', '--allow-drift']) assert.not.match(heads, ignored, `heads --help lists ${ignored}`);
  assert.match(heads, '--dir');
  const status = await help('status');
  assert.not.match(status, '--dry-run');
  assert.not.match(status, '--allow-drift');
  assert.match(status, '--url');
  assert.match(await help('up'), '--allow-drift');
  assert.match(await help('new'), '--dry-run');
  assert.not.match(await help('new'), '--lock-timeout');
  assert.match(await help(), '--lock-timeout', 'the global help lists every option');
  // Hidden is not refused: a shared pgstrata.json or PGSTRATA_* may set them for every command.
  const accepted = await runCli(['heads', '--dir', GENESIS_DIR, '--lock-timeout', '1s', '--allow-drift', '--url', 'pgmem:']);
  assert.is(accepted.status, 0, accepted.stderr);
});

test('redo --dry-run counts revisions, not steps: one revision, its down and its up', () =>
  withDatabase(async (db) => {
    assert.is((await cli(db.url, GENESIS_DIR, 'up')).status, 0);
    const dry = await cli(db.url, GENESIS_DIR, 'redo', '--dry-run');
    assert.is(dry.status, 0, dry.stderr);
    assert.equal(dry.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')), ['Would redo', 'down f45c116fedf1', 'up f45c116fedf1']);
    assert.match(dry.stdout, 'Would redo 1 revision (dry run; nothing was executed):');
    const redo = await cli(db.url, GENESIS_DIR, 'redo');
    assert.is(redo.status, 0, redo.stderr);
    assert.match(redo.stdout, /^1 revision processed in \d+ ms\.$/m);
  }),
);

test('options come from PGSTRATA_* variables and ./pgstrata.json; an irreversible revision stops down with exit 3', () =>
  withDatabase(async (db) => {
    const sql = tempSql([
      { revision: 'a1', up: 'CREATE TYPE mood AS ENUM (\'ok\');', down: 'DROP TYPE mood;' },
      { revision: 'b2', parents: ['a1'], up: "ALTER TYPE mood ADD VALUE 'meh';", header: ['down: irreversible'] },
    ]);
    try {
      const cwd = sql.dir;
      writeFileSync(join(cwd, 'pgstrata.json'), JSON.stringify({ table: 'from_config', dir: '.' }));
      let r = await runCli(['up', '--url', db.url], { cwd });
      assert.is(r.status, 0, r.stderr);
      assert.equal(await db.query<{ n: string }>('SELECT count(*)::text AS n FROM from_config'), [{ n: '2' }]);
      r = await runCli(['status', '--json'], { cwd, env: { PGSTRATA_TABLE: 'from_env', PGSTRATA_URL: db.url } });
      assert.is(JSON.parse(r.stdout).versionTable, 'public.from_env');
      r = await runCli(['down', 'base', '--url', db.url], { cwd });
      assert.is(r.status, 3);
      assert.match(r.stderr, /b2_step\.sql: revision b2 is declared irreversible/);
      assert.equal(await db.query<{ n: string }>('SELECT count(*)::text AS n FROM from_config'), [{ n: '2' }], 'nothing was reverted');
    } finally {
      sql.remove();
    }
  }),
);

test.run();
