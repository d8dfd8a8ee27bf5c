// The file-level and parser-level checks: what the runner validates, empty files, heads,
// PostgreSQL's parser with exact positions, and statements that need (or end) a transaction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkStatic } from '../src/check/static/static.js';
import { base, child, positions, staticCheck } from './helpers/check.js';
import { GENESIS_DIR, upText } from './helpers/migrations.js';

test('the shipped Genesis history passes with no finding', async () => {
  const r = await checkStatic(GENESIS_DIR);
  assert.equal(r.findings, []);
  assert.is(r.revisions, 3);
  assert.is(r.files, 6);
  assert.ok(r.runnable);
});

test('problems the runner validates come back as findings, all in one run, with rule ids', async () => {
  const r = await staticCheck([base(), { revision: 'r4', parents: ['nope'], up: 'SELECT 1;', down: 'SELECT 1;' }, child('SELEC 1;')], (t) => {
    t.raw('up', 'r3_x.sql', '-- revision: r3\n-- down_revison: r1\n\nSELECT 1;\n');
    t.raw('down', 'r3_x.sql', 'SELECT 1;\n');
  });
  const rules = r.findings.map((f) => `${f.rule} ${f.file.replace(/^.*\/(up|down)\//, '$1/')}${f.line ? `:${f.line}` : ''}`).sort();
  assert.ok(rules.includes('invalid-file up/r3_x.sql:2'), rules.join('\n'));
  assert.ok(rules.includes('invalid-graph up/r4_step.sql:2'), rules.join('\n'));
  assert.ok(rules.includes('syntax-error up/r2_step.sql:6'), rules.join('\n'));
  assert.equal(r.runnable, undefined, 'a broken history is not round-tripped');
});

test('a file with a broken header is still parsed', async () => {
  const r = await staticCheck([base()], (t) => t.raw('up', 'r9_x.sql', '-- revision: r9\n\nSELEC 1;\n'));
  assert.ok(r.findings.some((f) => f.rule === 'invalid-file'));
  assert.equal(r.findings.map((f) => `${f.rule} ${f.file.replace(/^.*[\\/](up|down)[\\/]/, '$1/')}:${f.line}`), ['invalid-file up/r9_x.sql:1', 'syntax-error up/r9_x.sql:3']);
  assert.match(r.findings[0]!.message, /down_revision/);
  assert.equal(positions(r.findings, 'syntax-error'), ['up 3:1']);
});

test('empty-migration: an up file with only comments is an error; a merge may be empty', async () => {
  const r = await staticCheck([base(), child('-- nothing here\n;', 'SELECT 1;')]);
  assert.equal(positions(r.findings, 'empty-migration'), ['up undefined:undefined']);
  const merge = await staticCheck([
    base(),
    { revision: 'a', parents: ['r1'], up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
    { revision: 'b', parents: ['r1'], up: 'CREATE TABLE b (x int);', down: 'DROP TABLE b;' },
    { revision: 'm', parents: ['a', 'b'], up: '-- merge', down: '-- merge' },
  ]);
  assert.equal(merge.findings, []);
});

test('empty-down: one warning per unmarked empty down, none for -- no-op or -- irreversible, no syntax error for zero bytes', async () => {
  const r = await staticCheck([
    base(),
    { revision: 'r2', parents: ['r1'], up: 'ALTER TABLE t ADD COLUMN y int;', down: '', header: ['lock_timeout: 5s'] },
    { revision: 'r3', parents: ['r2'], up: 'COMMENT ON TABLE t IS $$t$$;', down: '-- nothing to undo\n', header: ['lock_timeout: 5s'] },
    { revision: 'r4', parents: ['r3'], up: 'COMMENT ON TABLE t IS $$u$$;', down: '-- no-op\n', header: ['lock_timeout: 5s'] },
    { revision: 'r5', parents: ['r4'], up: 'COMMENT ON TABLE t IS $$v$$;', down: '-- irreversible\n', header: ['lock_timeout: 5s'] },
  ]);
  assert.equal(r.findings.map((f) => `${f.rule} ${f.severity} ${f.revision}`), ['empty-down warning r2', 'empty-down warning r3']);
});

test('multiple-heads: two children of one parent and no merge', async () => {
  const r = await staticCheck([
    base(),
    { revision: 'a', parents: ['r1'], up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
    { revision: 'b', parents: ['r1'], up: 'CREATE TABLE b (x int);', down: 'DROP TABLE b;' },
  ]);
  assert.equal(positions(r.findings, 'multiple-heads'), ['up 1:undefined', 'up 1:undefined']);
  assert.equal(r.findings.map((f) => [f.revision, f.file.replace(/^.*[\\/]up[\\/]/, '')]), [['a', 'a_step.sql'], ['b', 'b_step.sql']]);
  assert.match(r.findings[0]!.message, /2 heads \(a, b\)/);
  assert.match(r.findings[0]!.fix, /`pgstrata merge heads`.*`-- down_revision: a, b`/, 'the fix names the heads to join');
  assert.ok(r.runnable, 'several heads can still be round-tripped');
});

test('multiple-heads is reported beside a dangling parent (every problem in one run)', async () => {
  const r = await staticCheck([
    base(),
    { revision: 'a', parents: ['r1'], up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
    { revision: 'b', parents: ['r1'], up: 'CREATE TABLE b (x int);', down: 'DROP TABLE b;' },
    // Below a broken link: where it belongs is unknown, so it is nobody's head.
    { revision: 'c', parents: ['nope'], up: 'CREATE TABLE c (x int);', down: 'DROP TABLE c;' },
  ]);
  assert.equal(r.findings.map((f) => `${f.rule} ${f.revision ?? ''}`).filter((x) => /graph|heads/.test(x)).sort(), ['invalid-graph ', 'multiple-heads a', 'multiple-heads b']);
  assert.match(r.findings.find((f) => f.rule === 'multiple-heads')!.message, /2 heads \(a, b\)/);
  const one = await staticCheck([base(), { revision: 'a', parents: ['r1'], up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' }, { revision: 'c', parents: ['a', 'nope'], up: 'SELECT 1;', down: 'SELECT 1;' }]);
  assert.equal(positions(one.findings, 'multiple-heads'), [], 'a revision that names a head as its parent still takes it off the heads');
});

test('syntax-error: exact line and column after multibyte text, in LF and CRLF files, up and down', async () => {
  const sql = "SELECT 'ü😀é';\n  CREATE TABL x (id int);";
  const lf = await staticCheck([base(), child(sql, "SELECT '日本';\nDROP TABL x;")]);
  assert.equal(positions(lf.findings, 'syntax-error'), ['down 2:6', 'up 7:10']);
  const crlf = await staticCheck([base()], (t) => {
    t.raw('up', 'r2_x.sql', upText({ revision: 'r2', parents: ['r1'], up: sql }).replace(/\n/g, '\r\n'));
    t.raw('down', 'r2_x.sql', "SELECT '日本';\r\nDROP TABL x;\r\n");
  });
  assert.equal(positions(crlf.findings, 'syntax-error'), ['down 2:6', 'up 6:10']);
  assert.match(crlf.findings.find((f) => f.rule === 'syntax-error')!.message, /syntax error at or near "TABL"/);
});

test('positions inside a statement count code points after multibyte text and CRLF', async () => {
  const r = await staticCheck([base()], (t) => {
    t.raw('up', 'r2_x.sql', "-- revision: r2\r\n-- down_revision: r1\r\n-- lock_timeout: 5s\r\n\r\nSELECT 'ü😀';\r\nALTER TABLE t ADD COLUMN \"é\" text,\r\n  ADD COLUMN \"ñ\" text NOT NULL;\r\n");
    t.raw('down', 'r2_x.sql', 'SELECT 1;\n');
  });
  assert.equal(positions(r.findings, 'not-null-column-without-default'), ['up 7:14']);
});

test('non-transactional-statement: refused inside the transaction a file runs in', async () => {
  const cases = ['CREATE INDEX CONCURRENTLY t_x ON t (x);', 'DROP INDEX CONCURRENTLY t_x;', 'REINDEX INDEX CONCURRENTLY t_pkey;', 'VACUUM t;', 'CREATE DATABASE other;', "ALTER SYSTEM SET work_mem = '8MB';"];
  for (const sql of cases) assert.equal(positions((await staticCheck([base(), child(`SELECT 1;\n${sql}`)])).findings, 'non-transactional-statement'), ['up 7:1'], sql);
  const none = await staticCheck([base(), child('CREATE INDEX CONCURRENTLY t_x ON t (x);', '-- transaction: none\nDROP INDEX CONCURRENTLY t_x;', ['transaction: none', 'lock_timeout: 5s'])]);
  assert.equal(none.findings, []);
  assert.equal(positions((await staticCheck([base(), child('ANALYZE t;')])).findings, 'non-transactional-statement'), [], 'ANALYZE may run in a transaction');
  assert.equal(positions((await staticCheck([base(), child('SELECT 1;', 'DROP INDEX CONCURRENTLY t_x;')])).findings, 'non-transactional-statement'), ['down 1:1']);
});

test('transaction-control: BEGIN/COMMIT/ROLLBACK in a transactional file; savepoints pass', async () => {
  const r = await staticCheck([base(), child('BEGIN;\nCREATE TABLE u (x int);\nCOMMIT;', 'ROLLBACK;')]);
  assert.equal(positions(r.findings, 'transaction-control'), ['down 1:1', 'up 6:1', 'up 8:1']);
  const ok = await staticCheck([base(), child('SAVEPOINT s;\nCREATE TABLE u (x int);\nROLLBACK TO SAVEPOINT s;\nRELEASE SAVEPOINT s;')]);
  assert.equal(positions(ok.findings, 'transaction-control'), []);
  const none = await staticCheck([base(), child('BEGIN;\nCREATE TABLE u (x int);\nCOMMIT;', 'SELECT 1;', ['transaction: none'])]);
  assert.equal(positions(none.findings, 'transaction-control'), []);
});

test('multi-statement-no-transaction: a transaction: none file that mixes in statements that could run in a transaction', async () => {
  const header = ['transaction: none', 'lock_timeout: 5s'];
  const at = async (up: string) => positions((await staticCheck([base(), child(up, 'SELECT 1;', header)])).findings, 'multi-statement-no-transaction');
  const mixed = await staticCheck([base(), child("SET statement_timeout = '1h';\nCREATE INDEX CONCURRENTLY a ON t (x);\nUPDATE t SET x = 0 WHERE x IS NULL;\nCREATE INDEX CONCURRENTLY b ON t (label);", 'SELECT 1;', header)]);
  assert.equal(positions(mixed.findings, 'multi-statement-no-transaction'), ['up 9:1'], 'at the statement that could move, once');
  const f = mixed.findings.find((x) => x.rule === 'multi-statement-no-transaction')!;
  assert.is(f.severity, 'warning');
  assert.match(f.message, /the CREATE INDEX CONCURRENTLY at line 8: a failure part-way leaves the statements before it applied \(journalled in the version table\), and pgstrata refuses to run until you continue with `pgstrata up --resume` or `pgstrata resolve r2`/);
  assert.match(f.fix, /to a revision of its own, without `transaction: none`/);
  assert.equal(await at('ALTER TABLE t ADD COLUMN y int;\nCREATE INDEX CONCURRENTLY a ON t (y);'), ['up 7:1'], 'before the statement that needs no transaction too');
  assert.equal(await at('CREATE INDEX CONCURRENTLY a ON t (x);\nBEGIN;\nUPDATE t SET x = 1;\nCOMMIT;'), ['up 9:1'], 'a BEGIN … COMMIT block is atomic only in itself');

  // The README's example: three CREATE INDEX CONCURRENTLY, journalled statement by statement.
  assert.equal(await at("SET statement_timeout = '1h';\nCREATE INDEX CONCURRENTLY a ON t (x);\nCREATE UNIQUE INDEX CONCURRENTLY b ON t (label);\nCREATE INDEX CONCURRENTLY c ON t (id);"), []);
  assert.equal(await at('UPDATE t SET x = 1;\nUPDATE t SET x = 2;'), [], 'nothing needs the file outside a transaction: not this rule\'s concern');
  const down = await staticCheck([base(), child('CREATE INDEX CONCURRENTLY a ON t (x);', '-- transaction: none\nDROP INDEX CONCURRENTLY a;\nALTER TABLE t DROP COLUMN label;', header)]);
  assert.equal(positions(down.findings, 'multi-statement-no-transaction'), ['down 3:1']);
  assert.match(down.findings.find((x) => x.rule === 'multi-statement-no-transaction')!.message, /`pgstrata down --resume`/);
});

test.run();
