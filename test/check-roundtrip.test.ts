// The round trip on one shared PGlite (each test in a schema of its own) and on the server (a
// throwaway database that check creates and drops).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCheck } from '../src/check/index.js';
import { roundtrip, type RoundtripResult } from '../src/check/roundtrip.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { UsageError } from '../src/runner/errors.js';
import { loadHistory } from '../src/runner/history.js';
import { withPGliteSchema } from './helpers/pglite.js';
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

test('an up that fails stops its descendants only', async () => {
  const r = await onPGlite([
    { revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: 'DROP TABLE t1;' },
    { revision: 'a', parents: ['r1'], up: 'ALTER TABLE t1 ADD COLUMN x nosuchtype;', down: 'SELECT 1;' },
    { revision: 'a2', parents: ['a'], up: 'SELECT 1;', down: 'SELECT 1;' },
    { revision: 'b', parents: ['r1'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
  ]);
  assert.equal(summary(r), ['error roundtrip-failed: up of a failed: ERROR 42704: type "nosuchtype" does not exist']);
  assert.equal([r.findings[0]!.line, r.findings[0]!.column], [5, 29]);
  assert.equal(r.skipped, [{ revision: 'a2', reason: 'its parent a could not be applied' }]);
  assert.is(r.checked, 2);
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

test('on a server: the Genesis history round-trips cleanly', async () => {
  const r = await runCheck({ dir: GENESIS_DIR, roundtrip: true, url: SERVER_URL });
  assert.equal(r.findings, []);
  assert.is(r.roundtrip!.checked, 3);
});

test.run();
