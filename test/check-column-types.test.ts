// change-column-type and rewrite-free type changes: which changes PostgreSQL makes without a
// table rewrite (pure, from parsed types), and the column types followed through a history.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columnType, isRewriteFree, typeText, type ColumnType } from '../src/check/model/coltypes.js';
import { parseStatements } from '../src/runner/util/sqlparse.js';
import { base, child, positions, staticCheck } from './helpers/check.js';
import type { MigrationSpec } from './helpers/migrations.js';

/** The parsed type of `CREATE TABLE x (c <sql>)`. */
async function typeOf(sql: string): Promise<ColumnType> {
  const r = await parseStatements(`CREATE TABLE x (c ${sql});`, 'x.sql');
  if (!r.ok) throw new Error(r.problem.message);
  const elts = r.statements[0]!.node.tableElts as { ColumnDef: { typeName: unknown } }[];
  const t = columnType(elts[0]!.ColumnDef.typeName);
  if (!t) throw new Error(`no type for ${sql}`);
  return t;
}

const free = async (from: string, to: string) => isRewriteFree(await typeOf(from), await typeOf(to));

test('column types: spellings of one type normalise to the same pg_type name', async () => {
  for (const [a, b] of [
    ['int', 'int4'],
    ['integer', 'pg_catalog.int4'],
    ['character varying(10)', 'varchar(10)'],
    ['bit varying', 'varbit'],
    ['decimal(10,0)', 'numeric(10)'],
    ['serial', 'integer'],
    ['bigserial', 'int8'],
  ] as const) {
    assert.equal(typeText(await typeOf(a)), typeText(await typeOf(b)), `${a} / ${b}`);
    assert.ok(await free(a, b), `${a} -> ${b}`);
  }
  assert.equal(typeText(await typeOf('numeric(10,2)')), 'numeric(10,2)');
  assert.equal(typeText(await typeOf('text[]')), 'text[]');
  assert.equal(typeText(await typeOf('app.money')), 'app.money');
});

test('column types: the rewrite-free changes', async () => {
  for (const [from, to] of [
    ['varchar(10)', 'varchar(20)'],
    ['varchar(10)', 'varchar(10)'],
    ['varchar(10)', 'varchar'],
    ['varchar(10)', 'text'],
    ['varchar', 'text'],
    ['text', 'varchar'],
    ['text', 'character varying'],
    ['numeric(10,2)', 'numeric(12,2)'],
    ['numeric(10,2)', 'numeric'],
    ['numeric(10)', 'numeric(12,0)'],
    ['varbit(4)', 'varbit(8)'],
    ['varbit(4)', 'bit varying'],
    ['cidr', 'inet'],
    ['int4', 'integer'],
    ['text[]', 'text[]'],
  ] as const) {
    assert.ok(await free(from, to), `${from} -> ${to} should be free`);
  }
});

test('column types: changes that rewrite or check every row are not free', async () => {
  for (const [from, to] of [
    ['varchar(20)', 'varchar(10)'],
    ['varchar', 'varchar(10)'],
    ['text', 'varchar(10)'],
    ['int', 'bigint'],
    ['smallint', 'int'],
    ['numeric(10,2)', 'numeric(12,3)'],
    ['numeric(10,2)', 'numeric(8,2)'],
    ['numeric', 'numeric(10,2)'],
    ['varbit(8)', 'varbit(4)'],
    ['inet', 'cidr'],
    ['timestamp', 'timestamptz'],
    ['char(10)', 'text'],
    ['varchar(10)[]', 'text[]'],
    ['app.text', 'text'],
  ] as const) {
    assert.not.ok(await free(from, to), `${from} -> ${to} should not be free`);
  }
});

// In child(): header of 4 lines and a blank one, so the SQL starts on line 6.
const table = (columns: string) => base(`CREATE TABLE t (id int PRIMARY KEY, ${columns});`);
const flagged = async (columns: string, up: string) => positions((await staticCheck([table(columns), child(up)])).findings, 'change-column-type');

test('change-column-type: silent on rewrite-free changes of a column the history declared', async () => {
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20);'), []);
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE text;'), []);
  assert.equal(await flagged('name text', 'ALTER TABLE t ALTER COLUMN name TYPE varchar;'), []);
  assert.equal(await flagged('price numeric(10,2)', 'ALTER TABLE t ALTER COLUMN price TYPE numeric(12,2);'), []);
  assert.equal(await flagged('price numeric(10,2)', 'ALTER TABLE public.t ALTER COLUMN price TYPE numeric;'), []);
  assert.equal(await flagged('bits varbit(4)', 'ALTER TABLE t ALTER COLUMN bits TYPE varbit(8);'), []);
  assert.equal(await flagged('net cidr', 'ALTER TABLE t ALTER COLUMN net TYPE inet;'), []);
  assert.equal(await flagged('n integer', 'ALTER TABLE t ALTER COLUMN n TYPE int4;'), []);
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20), ALTER COLUMN id TYPE int;'), [], 'every sub-command free');
});

test('change-column-type: still caught when the change rewrites, checks rows, or is not understood', async () => {
  assert.equal(await flagged('name varchar(20)', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(10);'), ['up 6:1'], 'a shrinking varchar');
  assert.equal(await flagged('n int', 'ALTER TABLE t ALTER COLUMN n TYPE bigint;'), ['up 6:1'], 'int -> bigint');
  assert.equal(await flagged('name text', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(10);'), ['up 6:1'], 'text -> varchar(10) checks every value');
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20) USING name;'), ['up 6:1'], 'a USING clause');
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE text COLLATE "C";'), ['up 6:1'], 'a new collation');
  assert.equal(await flagged('name varchar(10) COLLATE "C"', 'ALTER TABLE t ALTER COLUMN name TYPE text;'), ['up 6:1'], 'the column\'s collation is dropped');
  assert.equal(await flagged('at timestamp', 'ALTER TABLE t ALTER COLUMN at TYPE timestamptz;'), ['up 6:1'], 'timestamp -> timestamptz depends on TimeZone');
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20), ALTER COLUMN id TYPE bigint;'), ['up 6:1'], 'one sub-command rewrites');
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE legacy ALTER COLUMN name TYPE varchar(20);'), ['up 6:1'], 'a table no revision created');
  assert.equal(await flagged('name varchar(10)', 'ALTER TABLE t ALTER COLUMN other TYPE text;'), ['up 6:1'], 'a column no revision declared');
});

test('change-column-type: tables whose columns come from elsewhere are not followed', async () => {
  const two = (r1: string, up: string) => staticCheck([base(r1, 'DROP TABLE t;'), child(up)]).then((r) => positions(r.findings, 'change-column-type'));
  assert.equal(await two('CREATE TABLE IF NOT EXISTS t (name varchar(10));', 'ALTER TABLE t ALTER COLUMN name TYPE text;'), ['up 6:1'], 'IF NOT EXISTS may have found an older table');
  assert.equal(await two('CREATE TABLE t AS SELECT \'x\'::varchar(10) AS name;', 'ALTER TABLE t ALTER COLUMN name TYPE text;'), ['up 6:1']);
  assert.equal(await two('CREATE TABLE p (name varchar(10));\nCREATE TABLE t (LIKE p);', 'ALTER TABLE t ALTER COLUMN name TYPE text;'), ['up 6:1']);
});

const r3 = (up: string, parents = ['r2']): MigrationSpec => ({ revision: 'r3', parents, up, down: 'SELECT 1;', header: ['lock_timeout: 5s'] });
/** change-column-type findings as `revision up|down line:column`. */
async function history(...ms: MigrationSpec[]): Promise<string[]> {
  const findings = (await staticCheck(ms)).findings.filter((f) => f.rule === 'change-column-type');
  return findings.map((f) => `${f.revision} ${positions([f], f.rule)[0]}`).sort();
}

test('change-column-type: a type changed earlier in the history is followed', async () => {
  const r1 = table('name varchar(10)');
  const r2 = child('ALTER TABLE t ALTER COLUMN name TYPE varchar(20);');
  assert.equal(await history(r1, r2, r3('ALTER TABLE t ALTER COLUMN name TYPE varchar(15);')), ['r3 up 6:1'], 'varchar(20) -> varchar(15) shrinks');
  assert.equal(await history(r1, r2, r3('ALTER TABLE t ALTER COLUMN name TYPE varchar(25);')), []);
  assert.equal(await history(r1, child('ALTER TABLE t ALTER COLUMN name TYPE varchar(20);\nALTER TABLE t ALTER COLUMN name TYPE varchar(15);')), ['r2 up 7:1'], 'earlier in the same file');
  assert.equal(await history(r1, child('ALTER TABLE t ALTER COLUMN name TYPE text USING trim(name);\nALTER TABLE t ALTER COLUMN name TYPE varchar;')), ['r2 up 6:1'], 'the type after a USING change is known');
});

test('change-column-type: added, renamed and dropped columns and renamed tables are followed', async () => {
  const r1 = table('name varchar(10)');
  assert.equal(await history(r1, child('ALTER TABLE t RENAME COLUMN name TO title;'), r3('ALTER TABLE t ALTER COLUMN title TYPE varchar(40);')), []);
  assert.equal(await history(r1, child('ALTER TABLE t RENAME COLUMN name TO title;'), r3('ALTER TABLE t ALTER COLUMN title TYPE varchar(5);')), ['r3 up 6:1']);
  assert.equal(await history(r1, child('ALTER TABLE t RENAME TO items;'), r3('ALTER TABLE items ALTER COLUMN name TYPE text;')), []);
  assert.equal(await history(r1, child('ALTER TABLE t SET SCHEMA app;'), r3('ALTER TABLE app.t ALTER COLUMN name TYPE text;')), []);
  assert.equal(await history(r1, child('ALTER TABLE t ADD COLUMN code varchar(3);'), r3('ALTER TABLE t ALTER COLUMN code TYPE varchar(8);')), []);
  assert.equal(await history(r1, child('ALTER TABLE t DROP COLUMN name;\nALTER TABLE t ADD COLUMN name int;'), r3('ALTER TABLE t ALTER COLUMN name TYPE text;')), ['r3 up 6:1'], 're-added with another type');
  assert.equal(await history(r1, child('DROP TABLE t;\nCREATE TABLE t AS SELECT 1 AS id, \'x\'::varchar(10) AS name;'), r3('ALTER TABLE t ALTER COLUMN name TYPE text;')), ['r3 up 6:1'], 'dropped and made again from a query');
});

test('change-column-type: a down starts from its own up, a merge from what its parents agree on', async () => {
  const r1 = table('name varchar(10)');
  const up = 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20);';
  assert.equal(await history(r1, child(up, 'ALTER TABLE t ALTER COLUMN name TYPE varchar(10);')), ['r2 down 1:1'], 'the down shrinks it back');
  const a = { ...child('ALTER TABLE t ALTER COLUMN name TYPE varchar(20);'), revision: 'ra' };
  const b = { ...child('ALTER TABLE t ADD COLUMN code varchar(3);'), revision: 'rb' };
  assert.equal(await history(r1, a, b, r3('ALTER TABLE t ALTER COLUMN code TYPE varchar(8);', ['ra', 'rb'])), [], 'a column one branch added');
  assert.equal(await history(r1, a, b, r3('ALTER TABLE t ALTER COLUMN name TYPE text;', ['ra', 'rb'])), ['r3 up 6:1'], 'the branches disagree on the type: unknown');
});

test('change-column-type: a long history keeps every column (its state is flattened every few layers)', async () => {
  const ms: MigrationSpec[] = [table('c0 varchar(1)')];
  for (let i = 1; i <= 70; i++) ms.push({ revision: `r${i + 1}`, parents: [`r${i}`], up: `ALTER TABLE t ADD COLUMN c${i} varchar(${i + 1});`, down: `ALTER TABLE t DROP COLUMN c${i};`, header: ['lock_timeout: 5s'] });
  const alter = Array.from({ length: 71 }, (_, i) => `ALTER TABLE t ALTER COLUMN c${i} TYPE varchar(${i + 1});`).join('\n');
  ms.push({ revision: 'r99', parents: ['r71'], up: `${alter}\nALTER TABLE t ALTER COLUMN c70 TYPE varchar(70);`, down: 'SELECT 1;', header: ['lock_timeout: 5s'] });
  assert.equal(await history(...ms), ['r99 up 77:1']);
});

test('an ignore on a change that is now known to be free is reported as unused', async () => {
  const r = await staticCheck([table('name varchar(10)'), child('-- pgstrata-ignore: change-column-type — widening only\nALTER TABLE t ALTER COLUMN name TYPE varchar(20);')]);
  assert.equal(positions(r.findings, 'change-column-type'), []);
  assert.equal(positions(r.findings, 'unused-ignore'), ['up 6:1']);
});

test.run();
