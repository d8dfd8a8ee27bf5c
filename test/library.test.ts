// The library entry point, as an application's own test suite would call it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newDb } from 'pg-mem';
import pg from 'pg';
import { migrate, Runner, SourceError, silentLogger } from '../src/index.js';
import { PostgresEngine } from '../src/runner/engines/postgres.js';
import { GENESIS_DIR, tempSql } from './helpers/migrations.js';
import { withPGliteSchema } from './helpers/pglite.js';
import { withDatabase } from './helpers/postgres.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../src/index.js', import.meta.url));

/** An application's script calling migrate() on pg-mem in a process of its own; its stderr is what the user sees. */
function application(logger: string): { status: number | null; stdout: string; stderr: string } {
  const script = `import { newDb } from 'pg-mem'; import { migrate, silentLogger } from ${JSON.stringify(ENTRY)};
    const r = await migrate(newDb(), { dir: ${JSON.stringify(GENESIS_DIR)}${logger} });
    process.stdout.write([Object.keys(r).join(','), r.steps.length, r.dryRun].join(' ') + '\\n');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
}

test('migrate() applies sql/ to an application\'s own pg-mem database in one call', async () => {
  const db = newDb();
  const result = await migrate(db, { dir: GENESIS_DIR, logger: silentLogger });
  assert.equal(result.steps.map((s) => s.revision), ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1']);
  db.public.none("INSERT INTO users (email, name, hashed_password) VALUES ('a@b.c', 'A', 'x')");
  assert.equal(db.public.many('SELECT name FROM users'), [{ name: 'A' }]);
  const again = await migrate(db, { dir: GENESIS_DIR, logger: silentLogger });
  assert.equal(again.steps, [], 'a second call finds nothing to do');
});

test('migrate() works on a PGlite instance and on a connected pg.Client, leaving them open', async () => {
  await withPGliteSchema(async (db, schema) => {
    const result = await migrate(db, { dir: GENESIS_DIR, schema });
    assert.is(result.steps.length, 3);
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.pgstrata_version`);
    assert.is(rows.rows[0]!.n, 3);
  });
  await withDatabase(async (t) => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      await migrate(client, { dir: GENESIS_DIR, target: 'd3ea' });
      const rows = await client.query('SELECT revision FROM pgstrata_version ORDER BY applied_at');
      assert.equal(rows.rows.map((r) => r.revision), ['2c43863b5e49', 'd3ea4d165475']);
    } finally {
      await client.end();
    }
  });
});

test('invalid files are refused before the database is touched', async () => {
  const sql = tempSql();
  try {
    sql.raw('up', 'a1_x.sql', 'CREATE TABLE a (id int);');
    const db = newDb();
    const e = await migrate(db, { dir: sql.dir, logger: silentLogger }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof SourceError);
    assert.equal(e.problems.map((p) => [p.file.replace(/.*[\\/]up[\\/]/, 'up/'), p.line, p.message]), [
      ['up/a1_x.sql', 1, 'missing header line "-- revision: <id>"'],
      ['up/a1_x.sql', 1, 'missing header line "-- down_revision: <parent>"'],
    ]);
    assert.equal(db.public.many("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"), []);
  } finally {
    sql.remove();
  }
});

test('Runner.redo re-runs the newest revision', () =>
  withDatabase(async (t) => {
    const engine = await PostgresEngine.connect(t.url);
    try {
      const runner = new Runner(engine, { dir: GENESIS_DIR });
      await runner.up();
      const redo = await runner.redo();
      assert.equal(redo.steps.map((s) => `${s.direction} ${s.revision}`), ['down f45c116fedf1', 'up f45c116fedf1']);
      const log = await engine.query<{ event: string }>("SELECT event FROM pgstrata_version_log WHERE revision = 'f45c116fedf1' ORDER BY id");
      assert.equal(log.map((l) => l.event), ['up', 'down', 'up']);
    } finally {
      await engine.close();
    }
  }),
);

test('without a logger, migrate() on pg-mem warns on stderr in one line; silentLogger silences it', () => {
  const r = application('');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'steps,dryRun 3 false\n', 'migrate returns {steps, dryRun}');
  assert.is(r.stderr, 'pgstrata warn: pg-mem: no advisory locks, so concurrent runs are not serialised; no transactional DDL, so a failed migration can leave part of its changes applied\n');
  const quiet = application(', logger: silentLogger');
  assert.is(quiet.status, 0, quiet.stderr);
  assert.is(quiet.stderr, '');
});

test.run();
