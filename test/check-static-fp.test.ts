// False positives of the static check seen on real histories (issue 10): a table just
// truncated, IF EXISTS on what the history never made, renamed tables and columns, the revision
// a message names as a table's creator, and empty files reported twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../src/check/findings/findings.js';
import { base, child, staticCheck } from './helpers/check.js';
import type { MigrationSpec } from './helpers/migrations.js';

const H = ['lock_timeout: 5s'];
const rev = (revision: string, parents: string[], up: string, down = 'SELECT 1;', header = H): MigrationSpec => ({ revision, parents, up, down, header });
const rules = (findings: Finding[]) => findings.map((f) => `${f.rule} ${f.revision ?? ''}`);
const about = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.message);
/** The origin a message ends with: `(… created by r1)`. */
const origin = (message: string) => /((?:not )?created by [^()]*)\)$/.exec(message)?.[1] ?? message;

test('TRUNCATE earlier in the file: NOT NULL, SET NOT NULL, constraints and indexes on the emptied table are not reported', async () => {
  const after = async (sql: string, header = H) => rules((await staticCheck([base(), child(sql, 'SELECT 1;', header)])).findings);
  assert.equal(await after('TRUNCATE t;\nALTER TABLE t ADD COLUMN c int NOT NULL;'), []);
  assert.equal(await after('TRUNCATE TABLE t;\nALTER TABLE t ALTER COLUMN x SET NOT NULL;'), []);
  assert.equal(await after('TRUNCATE t, other;\nALTER TABLE t ADD CONSTRAINT x_pos CHECK (x > 0), ALTER COLUMN x TYPE bigint;\nCREATE INDEX t_x ON t (x);'), []);
  // Still reported without the TRUNCATE, before it, after rows come back, or in a file outside a
  // transaction (other sessions may insert between its statements).
  assert.equal(await after('ALTER TABLE t ADD COLUMN c int NOT NULL;'), ['not-null-column-without-default r2']);
  assert.equal(await after('ALTER TABLE t ALTER COLUMN x SET NOT NULL;'), ['set-not-null r2']);
  assert.equal(await after('ALTER TABLE t ALTER COLUMN x SET NOT NULL;\nTRUNCATE t;'), ['set-not-null r2']);
  assert.equal(await after("TRUNCATE t;\nINSERT INTO t VALUES (1, 1, 'a');\nALTER TABLE t ALTER COLUMN x SET NOT NULL;"), ['set-not-null r2']);
  assert.equal(await after('TRUNCATE other;\nALTER TABLE t ALTER COLUMN x SET NOT NULL;'), ['set-not-null r2']);
  assert.equal(await after('TRUNCATE t;\nALTER TABLE t ALTER COLUMN x SET NOT NULL;', ['transaction: none', 'lock_timeout: 5s']), ['set-not-null r2']);
  // Emptying a table does not stop running code from reading a column it drops.
  assert.equal(await after('TRUNCATE t;\nALTER TABLE t DROP COLUMN label;'), ['drop-column r2']);
  // Only the file that truncated: the next revision's table may hold rows again.
  const next = await staticCheck([base(), child('TRUNCATE t;'), rev('r3', ['r2'], 'ALTER TABLE t ALTER COLUMN x SET NOT NULL;')]);
  assert.equal(rules(next.findings), ['set-not-null r3']);
});

test('IF EXISTS on what the history never made or already dropped: no finding', async () => {
  const r = await staticCheck([
    base(),
    child('DROP TABLE IF EXISTS never_made;\nDROP INDEX IF EXISTS never_made_idx;\nDROP VIEW IF EXISTS never_made_v;\nDROP MATERIALIZED VIEW IF EXISTS never_made_mv;\nALTER TABLE IF EXISTS never_made ADD COLUMN c int NOT NULL;\nALTER TABLE IF EXISTS never_made RENAME COLUMN a TO b;\nALTER TABLE IF EXISTS never_made RENAME TO gone;', 'SELECT 1;', []),
  ]);
  assert.equal(rules(r.findings), []);
  const dropped = await staticCheck([base(), rev('r2', ['r1'], 'CREATE TABLE u (a int);\nCREATE INDEX u_a ON u (a);', 'DROP TABLE u;'), rev('r3', ['r2'], 'DROP INDEX u_a;\n-- pgstrata-ignore: drop-table — u was only a test\nDROP TABLE u;', 'CREATE TABLE u (a int);'), rev('r4', ['r3'], 'DROP INDEX IF EXISTS u_a;\nDROP TABLE IF EXISTS u;', 'SELECT 1;', [])]);
  assert.equal(rules(dropped.findings), []);
  // Without IF EXISTS a table the history did not create counts as existing; with it, one it did create is still dropped.
  const plain = await staticCheck([base(), child('DROP TABLE never_made;')]);
  assert.equal(rules(plain.findings), ['drop-table r2']);
  const known = await staticCheck([base(), child('DROP TABLE IF EXISTS t;\nALTER TABLE IF EXISTS t ADD COLUMN c int NOT NULL;', 'SELECT 1;', [])]);
  assert.equal(rules(known.findings), ['drop-table r2', 'require-lock-timeout r2']);
  assert.match(about(known.findings, 'drop-table')[0]!, /\(t is created by r1\)/);
});

test('ALTER TABLE … RENAME: the new name is the same table, created by the same revision, with the same columns', async () => {
  const r = await staticCheck([
    base('CREATE TABLE a (id int PRIMARY KEY, x int, CONSTRAINT x_nn CHECK (x IS NOT NULL));', 'DROP TABLE a;'),
    rev('r2', ['r1'], '-- pgstrata-ignore: rename-table — nothing reads it yet\nALTER TABLE a RENAME TO b;'),
    rev('r3', ['r2'], 'ALTER TABLE b ADD COLUMN c int NOT NULL;\n-- pgstrata-ignore: rename-column — nothing reads it yet\nALTER TABLE b RENAME COLUMN x TO y;\nALTER TABLE b ALTER COLUMN y SET NOT NULL;\nALTER TABLE b ALTER COLUMN y TYPE bigint;'),
    rev('r4', ['r3'], 'ALTER TABLE b SET SCHEMA archive;\nCREATE INDEX b_y ON archive.b (y);'),
  ]);
  // SET NOT NULL is proven by the check constraint, which followed both renames.
  assert.equal(rules(r.findings), ['not-null-column-without-default r3', 'change-column-type r3', 'create-index-concurrently r4']);
  assert.match(about(r.findings, 'not-null-column-without-default')[0]!, /b already exists \(created by r1\)/);
  assert.match(about(r.findings, 'change-column-type')[0]!, /b\.y from int4 to int8 .*\(created by r1\)/, 'the type followed the column rename');
  assert.match(about(r.findings, 'create-index-concurrently')[0]!, /archive\.b already exists \(created by r1\)/);
  // The old name is gone: IF EXISTS on it does nothing.
  const old = await staticCheck([base('CREATE TABLE a (x int);', 'DROP TABLE a;'), rev('r2', ['r1'], 'ALTER TABLE a RENAME TO b;\nDROP TABLE IF EXISTS a;')]);
  assert.equal(rules(old.findings), ['rename-table r2']);
});

test('ALTER INDEX … RENAME: the index keeps its table, and the lock is on that table', async () => {
  const r = await staticCheck([
    base('CREATE TABLE a (x int);\nCREATE INDEX a_x ON a (x);', 'DROP TABLE a;'),
    rev('r2', ['r1'], 'ALTER INDEX a_x RENAME TO a_x2;', 'ALTER INDEX a_x2 RENAME TO a_x;'),
    rev('r3', ['r2'], 'DROP INDEX a_x2;', 'SELECT 1;', []),
  ]);
  const lock = r.findings.filter((f) => f.rule === 'require-lock-timeout');
  assert.equal(lock.map((f) => f.revision), ['r3']);
  assert.match(lock[0]!.message, /existing table a /);
});

test('the "created by" revision is the one that made the table the statement sees', async () => {
  const creator = async (ms: MigrationSpec[], rule = 'not-null-column-without-default') => about((await staticCheck(ms)).findings, rule).map(origin);
  // Created in a non-first file.
  assert.equal(await creator([base(), rev('r2', ['r1'], 'CREATE TABLE u (a int);', 'DROP TABLE u;'), rev('r3', ['r2'], 'ALTER TABLE u ADD COLUMN c int NOT NULL;')]), ['created by r2']);
  // Dropped and made again by a later revision: at the DROP it is r1's table, afterwards r2's.
  const remade = [base(), rev('r2', ['r1'], '-- pgstrata-ignore: drop-table — rebuilt\nDROP TABLE t;\nCREATE TABLE t (a int);'), rev('r3', ['r2'], 'ALTER TABLE t ADD COLUMN c int NOT NULL;')];
  assert.equal(await creator(remade), ['created by r2']);
  const drop = await staticCheck([base(), rev('r2', ['r1'], 'DROP TABLE t;\nCREATE TABLE t (a int);'), rev('r3', ['r2'], 'DROP TABLE t;')]);
  assert.equal(about(drop.findings, 'drop-table').map(origin), ['created by r1', 'created by r2']);
  // Dropped by one revision, made again with IF NOT EXISTS by a later one: new there, no finding.
  const again = await staticCheck([base(), rev('r2', ['r1'], 'CREATE TABLE u (a int);', 'DROP TABLE u;'), rev('r3', ['r2'], '-- pgstrata-ignore: drop-table — unused\nDROP TABLE u;', 'CREATE TABLE u (a int);'), rev('r4', ['r3'], 'CREATE TABLE IF NOT EXISTS u (a int);\nALTER TABLE u ADD COLUMN c int NOT NULL;', 'DROP TABLE u;')]);
  assert.equal(rules(again.findings), []);
  // On a branch: the branch's own creator, not the other branch's.
  assert.equal(
    await creator([base(), rev('a', ['r1'], 'CREATE TABLE u (a int);', 'DROP TABLE u;'), rev('b', ['r1'], 'CREATE TABLE v (a int);', 'DROP TABLE v;'), rev('c', ['a'], 'ALTER TABLE u ADD COLUMN c int NOT NULL;'), rev('d', ['b'], 'CREATE TABLE u (a int);\nCREATE TABLE w (a int);', 'DROP TABLE u; DROP TABLE w;'), rev('m', ['c', 'd'], '-- merge', '-- merge', [])]),
    ['created by a'],
  );
  // In a down: the table its up created is new; another is named by the revision that made it.
  const down = await staticCheck([base(), rev('r2', ['r1'], 'CREATE TABLE u (a int);', 'DROP TABLE u;'), rev('r3', ['r2'], 'SELECT 1;', 'ALTER TABLE u ADD COLUMN c int NOT NULL;')]);
  assert.equal(about(down.findings, 'not-null-column-without-default').map(origin), ['created by r2']);
});

test('an empty file is one finding, never also a syntax error', async () => {
  const only = async (ms: MigrationSpec[], extra?: Parameters<typeof staticCheck>[1]) => (await staticCheck(ms, extra)).findings.map((f) => `${f.rule} ${f.file.replace(/^.*[\\/](up|down)[\\/]/, '$1/')}`);
  assert.equal(await only([base(), child('/* never closed')]), ['empty-migration up/r2_step.sql']);
  assert.equal(await only([base(), child('\uFEFF')]), ['empty-migration up/r2_step.sql']);
  assert.equal(await only([base(), child('SELECT 1;', '/* never closed')]), ['empty-down down/r2_step.sql']);
  assert.equal(await only([base(), child('SELECT 1;', '')]), ['empty-down down/r2_step.sql']);
  // A zero-byte (or blank) up file has no header either: one finding says it is empty.
  for (const text of ['', '\n  \n']) {
    const r = await only([base()], (t) => {
      t.raw('up', 'r2_x.sql', text);
      t.raw('down', 'r2_x.sql', 'SELECT 1;\n');
    });
    assert.equal(r, ['empty-migration up/r2_x.sql'], JSON.stringify(text));
  }
});

test.run();
