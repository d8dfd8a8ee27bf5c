// The round trip on one shared PGlite (each test in a schema of its own) and on the server (a
// throwaway database that check creates and drops).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Baseline } from '../src/check/roundtrip/baseline.js';
import { runCheck } from '../src/check/index.js';
import { roundtrip, type RoundtripResult } from '../src/check/roundtrip/roundtrip.js';
import type { Engine } from '../src/runner/engines/engine.js';
import { openEngine } from '../src/runner/engines/open.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { UsageError } from '../src/runner/util/errors.js';
import { loadHistory } from '../src/runner/graph/history.js';
import { sharedPGlite, withPGliteSchema } from './helpers/pglite.js';
import { GENESIS_DIR, tempSql, type MigrationSpec } from './helpers/migrations.js';
import { SERVER_URL, createDatabase } from './helpers/postgres.js';

async function onPGlite(migrations: MigrationSpec[]): Promise<RoundtripResult> {
  const t = tempSql(migrations);
  try {
    return await withPGliteSchema((db) => roundtrip({ history: loadHistory(t.dir), engine: PGliteEngine.fromInstance(db) }));
  } finally {
    t.remove();
  }
}

const t1 = (up: string, down: string): MigrationSpec[] => [
  { revision: 'r1', up: 'CREATE TABLE t1 (id int PRIMARY KEY, label text, other int);', down: 'DROP TABLE t1;' },
  { revision: 'r2', parents: ['r1'], up, down },
];

const summary = (r: RoundtripResult) => r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`);

test('the Genesis history comes back exactly after every down', async () => {
  const history = loadHistory(GENESIS_DIR);
  const r = await withPGliteSchema((db) => roundtrip({ history, engine: PGliteEngine.fromInstance(db) }));
  assert.equal(r.findings, []);
  assert.is(r.checked, 3);
});

test('a down that leaves a column behind', async () => {
  const r = await onPGlite(t1('ALTER TABLE t1 ADD COLUMN note text;', 'SELECT 1;'));
  assert.equal(summary(r), ['error roundtrip-difference: column t1.note still exists after down (revision r2)']);
  assert.match(r.findings[0]!.file, /down\/r2_step\.sql$/);
  assert.is(r.findings[0]!.revision, 'r2');
});

test('a down that drops too much', async () => {
  const r = await onPGlite(t1('ALTER TABLE t1 ADD COLUMN note text;', 'ALTER TABLE t1 DROP COLUMN note, DROP COLUMN label;'));
  assert.equal(summary(r), ['error roundtrip-difference: column t1.label no longer exists after down (revision r2)']);
});

test('a down that restores something differently', async () => {
  const r = await onPGlite(t1('ALTER TABLE t1 ALTER COLUMN other SET DEFAULT 1;', 'ALTER TABLE t1 ALTER COLUMN other SET DEFAULT 2;'));
  assert.equal(summary(r), ['error roundtrip-difference: column t1.other differs after down: integer → integer default 2 (revision r2)']);
});

test('a down that fails is reported at its position; the revisions after it are still checked', async () => {
  const r = await onPGlite([
    ...t1('ALTER TABLE t1 ADD COLUMN note text;', "ALTER TABLE t1 DROP COLUMN note;\nSELECT 'é', nope FROM t1;"),
    { revision: 'r3', parents: ['r2'], up: 'CREATE TABLE t3 (id int);', down: 'SELECT 1;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: down of r2 failed: ERROR 42703: column "nope" does not exist', 'error roundtrip-difference: table t3 still exists after down (revision r3)']);
  assert.equal([r.findings[0]!.line, r.findings[0]!.column], [2, 13]);
  assert.is(r.checked, 2);
});

test('a failure PostgreSQL gives no position for is placed at the statement that fails, found by replaying', async () => {
  const r = await onPGlite([
    { revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: "SELECT 'ü😀';\n  ALTER TABLE nope ADD COLUMN x int;\nDROP TABLE t1;" },
    { revision: 'r2', parents: ['r1'], up: 'CREATE TABLE t2 (id int);\nALTER TABLE t2 RENAME TO t3;\nDROP TABLE t2;', down: 'SELECT 1;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: down of r1 failed: ERROR 42P01: relation "nope" does not exist', 'error roundtrip-failed: up of r2 failed: ERROR 42P01: table "t2" does not exist']);
  assert.equal(r.findings.map((f) => [f.line, f.column]), [[2, 3], [7, 1]]);
  assert.is(r.checked, 0);
});

test('an up that fails stops its descendants only', async () => {
  const r = await onPGlite([
    { revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: 'DROP TABLE t1;' },
    { revision: 'a', parents: ['r1'], up: 'ALTER TABLE t1 ADD COLUMN x nosuchtype;', down: 'SELECT 1;' },
    { revision: 'a2', parents: ['a'], up: 'SELECT 1;', down: 'SELECT 1;' },
    { revision: 'a3', parents: ['a2'], up: 'SELECT 1;', down: 'SELECT 1;' },
    { revision: 'b', parents: ['r1'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: up of a failed: ERROR 42704: type "nosuchtype" does not exist']);
  assert.equal([r.findings[0]!.line, r.findings[0]!.column], [5, 29]);
  assert.equal(r.skipped, [
    { revision: 'a2', reason: 'its parent a failed its up' },
    { revision: 'a3', reason: 'its ancestor a failed its up' },
  ]);
  assert.is(r.checked, 2);
});

// a1 makes a table and a view; b2's down leaves a column, c3's down drops a1's view. Each is
// reported, and the revisions after them run on the schema the history builds: d4 needs the
// view, e5 a column b2's down must not have left (ADD COLUMN note would fail).
const twoBadDowns: MigrationSpec[] = [
  { revision: 'a1', up: 'CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT id FROM t;', down: 'DROP VIEW v;\nDROP TABLE t;' },
  { revision: 'b2', parents: ['a1'], up: 'ALTER TABLE t ADD COLUMN note text;', down: 'SELECT 1;' },
  { revision: 'c3', parents: ['b2'], up: 'CREATE TABLE c (id int);', down: 'DROP TABLE c;\nDROP VIEW v;' },
  { revision: 'd4', parents: ['c3'], up: 'CREATE VIEW v2 AS SELECT id FROM v;', down: 'DROP VIEW v2;' },
  { revision: 'e5', parents: ['d4'], up: 'ALTER TABLE t DROP COLUMN note;', down: 'ALTER TABLE t ADD COLUMN note text;' },
];

test('every bad down is reported in one run; the scratch database is rebuilt after each, and the rest checked on it', async () => {
  const r = await onPGlite(twoBadDowns);
  assert.equal(summary(r), [
    'error roundtrip-difference: column t.note still exists after down (revision b2)',
    'error roundtrip-difference: view v no longer exists after down (revision c3)',
  ]);
  assert.equal(r.skipped, []);
  assert.is(r.checked, 5);
});

test('a failed down outside a transaction: reported, the database rebuilt, the revisions after it checked', async () => {
  const r = await onPGlite([
    { revision: 'a1', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
    { revision: 'b2', parents: ['a1'], header: ['transaction: none'], up: 'CREATE INDEX CONCURRENTLY t_id ON t (id);', down: '-- transaction: none\nDROP INDEX CONCURRENTLY t_id;\nSELECT nope FROM t;' },
    // Fails unless the index the half-done down dropped is back.
    { revision: 'c3', parents: ['b2'], up: 'ALTER INDEX t_id RENAME TO t_id2;', down: 'ALTER INDEX t_id2 RENAME TO t_id;' },
    { revision: 'd4', parents: ['c3'], up: 'CREATE TABLE d (id int);', down: 'SELECT 1;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: down of b2 failed: ERROR 42703: column "nope" does not exist', 'error roundtrip-difference: table d still exists after down (revision d4)']);
  assert.equal([r.findings[0]!.line, r.findings[0]!.column], [3, 8]);
  assert.equal(r.skipped, []);
  assert.is(r.checked, 3);
});

test('an up outside a transaction that fails half-way: its first statements do not linger for its siblings', async () => {
  const r = await onPGlite([
    { revision: 'a1', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
    { revision: 'b2', parents: ['a1'], header: ['transaction: none'], up: 'CREATE TABLE half (id int);\nSELECT nope FROM t;', down: '-- transaction: none\nDROP TABLE half;' },
    { revision: 'c3', parents: ['a1'], up: 'CREATE TABLE half (id int);', down: 'DROP TABLE half;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: up of b2 failed: ERROR 42703: column "nope" does not exist']);
  assert.is(r.checked, 2);
});

test('an up that fails when run again after a clean down is reported; the database is rebuilt and the rest checked', async () => {
  const r = await onPGlite([
    { revision: 'a1', up: 'CREATE TABLE t (id int PRIMARY KEY);', down: 'DROP TABLE t;' },
    // The down leaves the row, which no schema snapshot shows: the up fails the second time.
    { revision: 'b2', parents: ['a1'], up: 'INSERT INTO t VALUES (1);', down: 'SELECT 1;' },
    { revision: 'c3', parents: ['b2'], up: 'CREATE TABLE c (id int);', down: 'SELECT 1;' },
  ]);
  assert.equal(summary(r), [
    'error roundtrip-failed: up of b2 failed when run again after its down: ERROR 23505: duplicate key value violates unique constraint "t_pkey"',
    'error roundtrip-difference: table c still exists after down (revision c3)',
  ]);
  assert.is(r.checked, 3);
});

test('when the rebuild itself fails, the rest is skipped with the reason', async () => {
  // Roles live outside the database's schemas: the reset keeps a1's, so replaying a1 fails.
  const role = `pgstrata_rt_${Math.random().toString(16).slice(2, 10)}`;
  const db = await sharedPGlite();
  try {
    const r = await onPGlite([
      { revision: 'a1', up: `CREATE ROLE ${role};\nCREATE TABLE t (id int);`, down: `DROP TABLE t;\nDROP ROLE ${role};` },
      { revision: 'b2', parents: ['a1'], up: 'ALTER TABLE t ADD COLUMN note text;', down: 'SELECT 1;' },
      { revision: 'c3', parents: ['b2'], up: 'CREATE TABLE c (id int);', down: 'DROP TABLE c;' },
    ]);
    assert.equal(summary(r), ['error roundtrip-difference: column t.note still exists after down (revision b2)']);
    assert.equal(r.skipped, [{ revision: 'c3', reason: `the scratch database could not be rebuilt after the down of b2: replaying the up of a1 failed: ERROR 42710: role "${role}" already exists` }]);
  } finally {
    await db.exec(`DROP ROLE IF EXISTS ${role}`);
  }
});

test('the reset restores the schemas as they were: owner, privileges and comment (PGlite and the server)', async () => {
  const state = "SELECT nspname, pg_catalog.pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl, pg_catalog.obj_description(oid, 'pg_namespace') AS comment FROM pg_catalog.pg_namespace ORDER BY nspname";
  // PGlite loads no extension it was not started with; the server has contrib (adminpack lives in pg_catalog).
  const exercise = async (engine: Engine, extensions: boolean) => {
    const start = await engine.query(state);
    const baseline = await Baseline.record(engine, 'pgstrata_check');
    await engine.exec('CREATE SCHEMA extra; CREATE TABLE extra.x (id int); CREATE TABLE public.y (id int); GRANT CREATE ON SCHEMA public TO PUBLIC');
    if (extensions) await engine.exec('CREATE EXTENSION pg_trgm SCHEMA extra; CREATE EXTENSION adminpack');
    await baseline.reset();
    assert.equal(await engine.query(state), start);
    assert.equal(await engine.query("SELECT relname FROM pg_catalog.pg_class WHERE relname IN ('x', 'y')"), []);
    assert.equal(await engine.query("SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'"), []);
  };
  await withPGliteSchema((db) => exercise(PGliteEngine.fromInstance(db), false));
  const server = await createDatabase('pgstrata_reset');
  const engine = await openEngine(server.url, { lockTimeoutMs: 0 });
  try {
    await exercise(engine, true);
  } finally {
    await engine.close();
    await server.drop();
  }
});

test('an irreversible revision runs up only; the ones after it are checked', async () => {
  const r = await onPGlite([
    { revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: 'DROP TABLE t1;' },
    { revision: 'r2', parents: ['r1'], up: 'DROP TABLE t1;', header: ['down: irreversible'] },
    { revision: 'r3', parents: ['r2'], up: 'CREATE TABLE t3 (id int);', down: 'SELECT 1;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-difference: table t3 still exists after down (revision r3)']);
  assert.equal(r.skipped.map((s) => s.revision), ['r2']);
});

test('a column dropped and re-added is an order warning, not a missing column (an error with --strict)', async () => {
  const migrations = t1('ALTER TABLE t1 DROP COLUMN label;', 'ALTER TABLE t1 ADD COLUMN label text;');
  assert.equal(summary(await onPGlite(migrations)), ['warning roundtrip-column-order: columns of t1 are in another order after down: (id, label, other) → (id, other, label) (revision r2)']);
  const t = tempSql(migrations);
  try {
    const strict = await withPGliteSchema((db) => runCheck({ dir: t.dir, roundtrip: true, engine: PGliteEngine.fromInstance(db), strict: true, rules: { 'require-lock-timeout': 'off', 'drop-column': 'off' } }));
    assert.equal(strict.findings.map((f) => `${f.severity} ${f.rule}`), ['error roundtrip-column-order']);
    assert.is(strict.ok, false);
  } finally {
    t.remove();
  }
});

test('every kind of object a down forgets is named', async () => {
  const up = [
    'CREATE TYPE mood AS ENUM (\'ok\');',
    'CREATE SEQUENCE counter;',
    'CREATE VIEW v1 AS SELECT id FROM t1;',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE TRIGGER t1_touch BEFORE UPDATE ON t1 FOR EACH ROW EXECUTE FUNCTION touch();',
    'CREATE INDEX t1_label ON t1 (label);',
    'ALTER TABLE t1 ADD CONSTRAINT t1_other_check CHECK (other > 0);',
  ].join('\n');
  const r = await onPGlite(t1(up, 'SELECT 1;'));
  assert.equal(r.findings.map((f) => f.message.replace(/ still exists after down \(revision r2\)$/, '')).sort(), [
    'constraint t1.t1_other_check',
    'function touch()',
    'index t1_label',
    'sequence counter',
    'trigger t1.t1_touch',
    'type mood',
    'view v1',
  ]);
});

test('a migration that runs DEALLOCATE ALL does not take the snapshot query away', async () => {
  const r = await onPGlite(t1('DEALLOCATE ALL;\nALTER TABLE t1 ADD COLUMN note text;', 'DEALLOCATE ALL;\nSELECT 1;'));
  assert.equal(summary(r), ['error roundtrip-difference: column t1.note still exists after down (revision r2)']);
  assert.is(r.checked, 2);
});

test('--url that is not a server is a usage error, with any password masked', async () => {
  const t = tempSql(t1('ALTER TABLE t1 ADD COLUMN note text;', 'ALTER TABLE t1 DROP COLUMN note;'));
  try {
    for (const url of ['pgmem:', 'mysql://me:s3cret@db.example/app']) {
      const e = await runCheck({ dir: t.dir, roundtrip: true, url }).then(() => undefined, (x: unknown) => x);
      assert.instance(e, UsageError, url);
      assert.match((e as Error).message, /check --roundtrip needs PostgreSQL: give --url postgres:\/\/…/);
      assert.not.match((e as Error).message, /s3cret/);
    }
  } finally {
    t.remove();
  }
});

test('on a server: a throwaway database, dropped afterwards; a leftover column is caught there too', async () => {
  const t = tempSql(t1('ALTER TABLE t1 ADD COLUMN note text;', 'SELECT 1;'));
  const probe = await createDatabase('pgstrata_probe');
  try {
    const r = await runCheck({ dir: t.dir, roundtrip: true, url: probe.url, rules: { 'require-lock-timeout': 'off' } });
    assert.equal(r.findings.map((f) => f.message), ['column t1.note still exists after down (revision r2)']);
    const name = /\/(pgstrata_check_[0-9a-f]+)$/.exec(r.roundtrip!.database!)![1]!;
    assert.ok(name.length > 0);
    const left = await probe.query<{ n: string }>('SELECT count(*) AS n FROM pg_database WHERE datname = $1', [name]);
    assert.is(Number(left[0]!.n), 0, 'the scratch database is dropped');
    const tables = await probe.query("SELECT 1 FROM pg_class WHERE relname = 't1'");
    assert.equal(tables, [], 'nothing ran in the database --url names');
  } finally {
    t.remove();
    await probe.drop();
  }
});

test('on a server: every bad down is reported in one run, rebuilding the throwaway database after each', async () => {
  const t = tempSql(twoBadDowns);
  try {
    const r = await runCheck({ dir: t.dir, roundtrip: true, url: SERVER_URL, rules: { 'require-lock-timeout': 'off', 'drop-column': 'off' } });
    assert.equal(r.findings.map((f) => f.message), ['column t.note still exists after down (revision b2)', 'view v no longer exists after down (revision c3)']);
    assert.equal([r.roundtrip!.checked, r.roundtrip!.skipped], [5, []]);
  } finally {
    t.remove();
  }
});

test('on a server: the Genesis history round-trips cleanly', async () => {
  const r = await runCheck({ dir: GENESIS_DIR, roundtrip: true, url: SERVER_URL });
  assert.equal(r.findings, []);
  assert.is(r.roundtrip!.checked, 3);
});

// 63 bytes, the longest name PostgreSQL keeps (NAMEDATALEN - 1); the column's name has a
// two-byte letter so bytes and characters differ.
const long = (head: string) => head + 'x'.repeat(63 - Buffer.byteLength(head));
const LT = long('table_'), LC = long('column_é_'), LK = long('check_'), LI = long('index_');
const longNames = (down: string): MigrationSpec[] => [
  { revision: 'r1', up: `CREATE TABLE ${LT} (id int PRIMARY KEY, ${LC} int CONSTRAINT ${LK} CHECK (${LC} > 0));\nCREATE INDEX ${LI} ON ${LT} (${LC});`, down: `DROP TABLE ${LT};` },
  { revision: 'r2', parents: ['r1'], up: `ALTER TABLE ${LT} ALTER COLUMN ${LC} TYPE bigint;`, down },
];

test('63-byte names: a down that restores them gives no difference', async () => {
  assert.is(Buffer.byteLength(LC), 63);
  const r = await onPGlite(longNames(`ALTER TABLE ${LT} ALTER COLUMN ${LC} TYPE int;`));
  assert.equal(summary(r), []);
  assert.is(r.checked, 2);
});

test('63-byte names: a column left changed is reported under its full name, not its table\'s', async () => {
  const r = await onPGlite(longNames('SELECT 1;'));
  assert.equal(summary(r), [`error roundtrip-difference: column ${LT}.${LC} differs after down: integer → bigint (revision r2)`]);
});

test('63-byte names on a server: clean when restored, the full column name when not', async () => {
  for (const [down, expected] of [
    [`ALTER TABLE ${LT} ALTER COLUMN ${LC} TYPE int;`, []],
    ['SELECT 1;', [`column ${LT}.${LC} differs after down: integer → bigint (revision r2)`]],
  ] as const) {
    const t = tempSql(longNames(down));
    try {
      const r = await runCheck({ dir: t.dir, roundtrip: true, url: SERVER_URL, rules: { 'require-lock-timeout': 'off' } });
      assert.equal(r.findings.filter((f) => f.rule.startsWith('roundtrip')).map((f) => f.message), [...expected]);
    } finally {
      t.remove();
    }
  }
});

test('a down with a syntax error does not stop the round trip: the rest of the history is checked in the same run', async () => {
  const t = tempSql([
    { revision: 'r1', up: 'CREATE TABLE acct (id int PRIMARY KEY, email text DEFAULT \'\');', down: 'DROP TABLE acct;' },
    { revision: 'r2', parents: ['r1'], up: 'ALTER TABLE acct ADD COLUMN plan text;', down: 'ALTER TABLE acct DROP COLUMN plan' + ' ,;' },
    { revision: 'r3', parents: ['r2'], up: 'ALTER TABLE acct ALTER COLUMN email DROP DEFAULT;', down: 'SELECT 1;' },
    { revision: 'r4', parents: ['r3'], up: 'CREATE TABLE note (id int);', down: 'DROP TABLE note;' },
  ]);
  try {
    const r = await withPGliteSchema((db) => runCheck({ dir: t.dir, roundtrip: true, engine: PGliteEngine.fromInstance(db), rules: { 'require-lock-timeout': 'off', 'drop-column': 'off' } }));
    assert.equal(r.findings.map((f) => `${f.rule} ${f.revision}`), ['syntax-error r2', 'roundtrip-difference r3']);
    assert.match(r.findings[1]!.message, /acct\.email/);
    assert.equal(r.roundtrip?.skipped?.map((s) => s.revision), ['r2']);
    assert.match(r.roundtrip?.skipped?.[0]?.reason ?? '', /its down file .*r2_step\.sql cannot run/);
    assert.is(r.roundtrip?.checked, 3);
    assert.equal(r.roundtrip?.defects, { upFails: 0, downFails: 0, notRestored: 1, leftovers: 0, columnOrder: 0 });
  } finally {
    t.remove();
  }
});

test.run();
