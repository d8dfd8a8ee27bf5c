// Each safety rule: a statement it must catch on an existing table, and what it must let pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base, child, positions, staticCheck } from './helpers/check.js';

// In child(): header of 4 lines and a blank one, so the SQL starts on line 6.
const rule = async (up: string, id: string, down?: string, header?: string[]) => positions((await staticCheck([base(), child(up, down, header)])).findings, id);

test('not-null-column-without-default: caught on an existing table, at the column', async () => {
  assert.equal(await rule('ALTER TABLE t\n  ADD COLUMN ok text,\n  ADD COLUMN n text NOT NULL;', 'not-null-column-without-default'), ['up 8:14']);
  assert.equal(await rule("ALTER TABLE t ADD COLUMN n text NOT NULL DEFAULT NULL;", 'not-null-column-without-default'), ['up 6:26'], 'DEFAULT NULL is no default');
  assert.equal(await rule('ALTER TABLE legacy ADD COLUMN n int PRIMARY KEY;', 'not-null-column-without-default'), ['up 6:31'], 'a table no revision created exists too');
});

test('not-null-column-without-default: a default, identity, serial or a new table pass', async () => {
  assert.equal(await rule("ALTER TABLE t ADD COLUMN n text NOT NULL DEFAULT 'x', ADD COLUMN m int NOT NULL GENERATED ALWAYS AS IDENTITY, ADD COLUMN s bigserial;", 'not-null-column-without-default'), []);
  assert.equal(await rule('CREATE TABLE u (id int);\nALTER TABLE u ADD COLUMN n text NOT NULL;', 'not-null-column-without-default'), []);
  assert.equal(await rule('ALTER TABLE t ADD COLUMN n text;', 'not-null-column-without-default'), []);
});

test('set-not-null: caught on an existing table (also as a PostgreSQL 18 NOT NULL constraint), not on a new one', async () => {
  assert.equal(await rule('ALTER TABLE t ALTER COLUMN x SET NOT NULL;', 'set-not-null'), ['up 6:1']);
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT x_nn NOT NULL x;', 'set-not-null'), ['up 6:19']);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u ALTER COLUMN x SET NOT NULL;', 'set-not-null'), []);
  assert.equal(await rule('ALTER TABLE t ALTER COLUMN x DROP NOT NULL;', 'set-not-null'), []);
});

test('set-not-null: silent when a valid CHECK (col IS NOT NULL) proves it (PostgreSQL 12+ then scans nothing)', async () => {
  const lt = ['lock_timeout: 5s'];
  const history = (...ups: string[]) => staticCheck([base(), ...ups.map((up, i) => ({ revision: `r${i + 2}`, parents: [`r${i + 1}`], up, down: 'SELECT 1;', header: lt }))]);
  const at = async (...ups: string[]) => positions((await history(...ups)).findings, 'set-not-null');
  const setNotNull = 'ALTER TABLE t ALTER COLUMN x SET NOT NULL;';
  const notValid = 'ALTER TABLE t ADD CONSTRAINT t_x_nn CHECK (x IS NOT NULL) NOT VALID;';
  const validate = 'ALTER TABLE t VALIDATE CONSTRAINT t_x_nn;';
  assert.equal(await at(notValid, validate, setNotNull), [], 'added NOT VALID, validated in an earlier revision');
  assert.equal(await at(`${notValid}\n${validate}\n${setNotNull}`), [], 'the same, earlier in the same file');
  assert.equal(await at('ALTER TABLE t ADD CHECK (x > 0 AND x IS NOT NULL) NOT VALID;', 'ALTER TABLE t VALIDATE CONSTRAINT t_x_check;', setNotNull), [], 'unnamed: PostgreSQL names it <table>_<column>_check');
  assert.equal(await at(notValid, validate, 'ALTER TABLE t RENAME COLUMN x TO y;', 'ALTER TABLE t RENAME CONSTRAINT t_x_nn TO t_y_nn;\nALTER TABLE t RENAME TO u;', 'ALTER TABLE u ALTER COLUMN y SET NOT NULL;'), [], 'followed through renames');
  const created = await staticCheck([
    base('CREATE TABLE t (id int PRIMARY KEY, x int CHECK (x IS NOT NULL), label text, CONSTRAINT t_label_nn CHECK (label IS NOT NULL));'),
    child('ALTER TABLE t ALTER COLUMN x SET NOT NULL, ALTER COLUMN label SET NOT NULL;'),
  ]);
  assert.equal(positions(created.findings, 'set-not-null'), [], 'added valid with the table this history created');

  assert.equal(await at(notValid, setNotNull), ['up 6:1'], 'NOT VALID and never validated: rows may still be null');
  assert.equal(await at(`${notValid}\n${setNotNull}\n${validate}`), ['up 7:1'], 'validated only after the SET NOT NULL');
  assert.equal(await at('ALTER TABLE t ADD CONSTRAINT t_x_nn CHECK (x IS NOT NULL), ALTER COLUMN x SET NOT NULL;'), ['up 6:1'], 'added in the same statement: one scan for both');
  assert.equal(await at(notValid, validate, 'ALTER TABLE t DROP CONSTRAINT t_x_nn;', setNotNull), ['up 6:1'], 'dropped since');
  assert.equal(await at(notValid, validate, 'ALTER TABLE t ALTER COLUMN x SET NOT NULL, ALTER COLUMN label SET NOT NULL;'), ['up 6:1'], 'another column');
  assert.equal(await at('ALTER TABLE t ADD CONSTRAINT t_x_nn CHECK (x IS NOT NULL OR id > 0) NOT VALID;', validate, setNotNull), ['up 6:1'], 'a check that does not prove it');
  assert.equal(await at('ALTER TABLE t ADD CONSTRAINT t_x_nn CHECK (x IS NOT NULL) NOT ENFORCED;', setNotNull), ['up 6:1'], 'NOT ENFORCED proves nothing');
  assert.equal(await at('ALTER TABLE t ADD CONSTRAINT t_xl_nn CHECK (x IS NOT NULL AND label IS NOT NULL) NOT VALID;', 'ALTER TABLE t VALIDATE CONSTRAINT t_xl_nn;\nALTER TABLE t DROP COLUMN label;', setNotNull), ['up 6:1'], 'dropping a column it names drops the constraint');
});

test('create-index-concurrently: a plain CREATE INDEX on an existing table; CONCURRENTLY or a new table pass', async () => {
  assert.equal(await rule('CREATE UNIQUE INDEX t_x ON t (x);', 'create-index-concurrently'), ['up 6:1']);
  assert.equal(await rule('CREATE INDEX CONCURRENTLY t_x ON t (x);', 'create-index-concurrently', 'DROP INDEX CONCURRENTLY t_x;', ['transaction: none', 'lock_timeout: 5s']), []);
  assert.equal(await rule('CREATE TABLE u (x int);\nCREATE INDEX u_x ON u (x);', 'create-index-concurrently'), []);
});

test('constraint-not-valid: FOREIGN KEY and CHECK without NOT VALID; with it they pass', async () => {
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT t_x_fk FOREIGN KEY (x) REFERENCES t (id);', 'constraint-not-valid'), ['up 6:19']);
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT t_x_ck CHECK (x > 0);', 'constraint-not-valid'), ['up 6:19']);
  assert.equal(await rule('ALTER TABLE t ADD COLUMN y int REFERENCES t (id);', 'constraint-not-valid'), ['up 6:32'], 'a column constraint validates too');
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT t_x_fk FOREIGN KEY (x) REFERENCES t (id) NOT VALID;\nALTER TABLE t ADD CONSTRAINT t_x_ck CHECK (x > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_x_ck;', 'constraint-not-valid'), []);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u ADD CONSTRAINT u_ck CHECK (x > 0);', 'constraint-not-valid'), []);
});

test('unique-constraint-using-index: a UNIQUE or PRIMARY KEY that builds its own index; USING INDEX passes', async () => {
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT t_x_key UNIQUE (x);', 'unique-constraint-using-index'), ['up 6:19']);
  assert.equal(await rule('ALTER TABLE legacy ADD PRIMARY KEY (id);', 'unique-constraint-using-index'), ['up 6:24']);
  assert.equal(await rule('ALTER TABLE t ADD CONSTRAINT t_x_key UNIQUE USING INDEX t_x;', 'unique-constraint-using-index'), []);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u ADD CONSTRAINT u_x_key UNIQUE (x);', 'unique-constraint-using-index'), []);
});

test('change-column-type: caught on an existing table, not on a new one', async () => {
  assert.equal(await rule('ALTER TABLE t ALTER COLUMN x TYPE bigint;', 'change-column-type'), ['up 6:1']);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u ALTER COLUMN x TYPE bigint;', 'change-column-type'), []);
  assert.equal(await rule('ALTER TABLE t ALTER COLUMN x SET DEFAULT 0;', 'change-column-type'), []);
});

test('rename-column and rename-table: caught on existing tables, not on new ones', async () => {
  assert.equal(await rule('ALTER TABLE t RENAME COLUMN x TO y;', 'rename-column'), ['up 6:1']);
  assert.equal(await rule('ALTER TABLE t RENAME TO t2;', 'rename-table'), ['up 6:1']);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u RENAME COLUMN x TO y;\nALTER TABLE u RENAME TO u2;\nALTER TABLE u2 RENAME COLUMN y TO z;', 'rename-column'), []);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u RENAME TO u2;', 'rename-table'), []);
});

test('drop-column and drop-table: caught in an up, not in a down, not for a table the file created', async () => {
  assert.equal(await rule('ALTER TABLE t DROP COLUMN x;', 'drop-column'), ['up 6:1']);
  assert.equal(await rule('DROP TABLE legacy;', 'drop-table'), ['up 6:1']);
  assert.equal(await rule('ALTER TABLE t ADD COLUMN y int;', 'drop-column', 'ALTER TABLE t DROP COLUMN y;'), []);
  assert.equal(await rule('CREATE TABLE u (x int);', 'drop-table', 'DROP TABLE u;'), []);
  assert.equal(await rule('CREATE TABLE u (x int);\nALTER TABLE u DROP COLUMN x;\nDROP TABLE u;', 'drop-table'), []);
  assert.equal(await rule('ALTER TABLE t ADD COLUMN tmp int;\nUPDATE t SET tmp = x;\nALTER TABLE t RENAME COLUMN tmp TO tmp2;\nALTER TABLE t DROP COLUMN tmp2;', 'drop-column'), [], 'a column added earlier in the same file');
  assert.equal(await rule('ALTER TABLE t ADD COLUMN tmp int;\nALTER TABLE t DROP COLUMN tmp, DROP COLUMN x;', 'drop-column'), ['up 7:1'], 'the file\'s own column passes, not the others');
});

test('a table made by CREATE TABLE … AS or SELECT … INTO is new', async () => {
  for (const make of ['CREATE TABLE t_copy AS SELECT * FROM t;', 'SELECT * INTO t_copy FROM t;']) {
    const r = await staticCheck([base(), child(`${make}\nCREATE INDEX t_copy_x ON t_copy (x);\nALTER TABLE t_copy ADD COLUMN n text NOT NULL, ALTER COLUMN x SET NOT NULL;`, 'DROP TABLE t_copy;', [])]);
    assert.equal(r.findings.map((f) => f.rule), [], make);
  }
});

test('a down counts its own up\'s tables as new, and earlier tables as existing', async () => {
  const up = 'CREATE TABLE u (x int);';
  assert.equal(await rule(up, 'create-index-concurrently', 'CREATE INDEX u_x ON u (x);\nDROP TABLE u;'), []);
  assert.equal(await rule(up, 'create-index-concurrently', 'CREATE INDEX t_x ON t (x);\nDROP TABLE u;'), ['down 1:1']);
});

test('enum-value-same-transaction: the new value used as that enum in the same transaction, every use', async () => {
  const types = base("CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE t (id int, m mood, a text);", 'DROP TABLE t;\nDROP TYPE mood;');
  const run = async (up: string, header?: string[]) => positions((await staticCheck([types, child(up, 'SELECT 1;', header)])).findings, 'enum-value-same-transaction');
  const add = "ALTER TYPE mood ADD VALUE 'sad';\n";
  assert.equal(await run(`${add}UPDATE t SET m = 'sad' WHERE id = 1;`), ['up 7:18'], 'assigned to a column of the enum');
  assert.equal(await run(`${add}SELECT 'sad'::mood;\nSELECT CAST('sad' AS public.mood), mood 'sad';`), ['up 7:8', 'up 8:13', 'up 8:41'], 'casts, each one');
  assert.equal(await run(`${add}DELETE FROM t WHERE m = 'sad' OR 'sad' <> t.m OR m IN ('ok', 'sad');`), ['up 7:25', 'up 7:34', 'up 7:62'], 'compared with a column of the enum');
  assert.equal(await run(`${add}INSERT INTO t (id, m) VALUES (1, 'sad'), (2, 'ok');\nINSERT INTO t VALUES (3, 'sad', 'sad');`), ['up 7:34', 'up 8:26'], 'inserted, with and without a column list');
  assert.equal(await run(`${add}ALTER TABLE t RENAME COLUMN m TO m0;\nINSERT INTO t VALUES (3, 'sad', 'x');`), ['up 8:26'], 'a renamed column keeps its place');
  assert.equal(await run(`${add}SELECT * FROM t x JOIN t y ON x.id = y.id WHERE y.m = 'sad';`), ['up 7:55'], 'through an alias');
  assert.equal(await run(`${add}ALTER TABLE t ALTER COLUMN m SET DEFAULT 'sad';\nALTER TABLE t ADD COLUMN m2 mood DEFAULT 'sad';`), ['up 7:42', 'up 8:42'], 'as a default');
  assert.equal(await run(`${add}INSERT INTO t (id, m) VALUES (1, 'ok') ON CONFLICT DO UPDATE SET m = 'sad';`), ['up 7:70'], 'ON CONFLICT DO UPDATE');

  assert.equal(await run(`${add}UPDATE t SET a = 'sad' WHERE a = 'x';`), [], 'the same text in a text column');
  assert.equal(await run(`${add}UPDATE t SET a = 'sad', m = 'ok' WHERE a = 'sad' OR a || 'x' = 'sad';\nINSERT INTO t (id, a) VALUES (1, 'sad');\nSELECT 'sad'::text;`), [], 'text, not the enum');
  assert.equal(await run(`${add}UPDATE t SET m = 'ok';`), [], 'the new value is not used');
  assert.equal(await run(`${add}UPDATE t SET m = 'sad';`, ['transaction: none', 'lock_timeout: 5s']), [], 'outside a transaction');
  assert.equal(await run("CREATE TYPE fresh AS ENUM ('a');\nALTER TYPE fresh ADD VALUE 'b';\nSELECT 'b'::fresh;"), [], 'a type created in the same transaction');
  assert.equal(await run("CREATE TYPE other AS ENUM ('x');\nALTER TYPE mood ADD VALUE 'sad';\nSELECT 'sad'::other;"), [], 'another enum');
});

test('require-lock-timeout: DDL on an existing table needs a lock_timeout from the header or a SET', async () => {
  assert.equal(await rule('ALTER TABLE t ADD COLUMN y int;\nALTER TABLE t ADD COLUMN z int;', 'require-lock-timeout', undefined, []), ['up 5:1'], 'once per file, at the first');
  assert.equal(await rule('CREATE TABLE u (id int REFERENCES t (id));', 'require-lock-timeout', undefined, []), ['up 5:1'], 'a foreign key locks the table it references');
  assert.equal(await rule("SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN y int;", 'require-lock-timeout', undefined, []), ['up 6:1'], 'zero means no timeout');
  assert.equal(await rule('ALTER TABLE t ADD COLUMN y int;', 'require-lock-timeout', undefined, ['lock_timeout: 2s']), []);
  assert.equal(await rule("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN y int;", 'require-lock-timeout', undefined, []), []);
  assert.equal(await rule('CREATE TABLE u (id int);\nCREATE INDEX u_id ON u (id);', 'require-lock-timeout', 'DROP TABLE u;', []), [], 'only new tables');
  assert.equal(await rule('ALTER TABLE t ADD COLUMN y int;', 'require-lock-timeout', 'ALTER TABLE t DROP COLUMN y;', ['lock_timeout: 2s']), [], 'the down runs with the up header\'s timeout');
  assert.equal(await rule('CREATE TABLE u (id int);', 'require-lock-timeout', 'DROP INDEX t_pkey;\nDROP TABLE u;', []), ['down 1:1']);
  assert.equal(await rule('DROP TRIGGER t_touch ON t;', 'require-lock-timeout', undefined, []), ['up 5:1'], 'DROP TRIGGER locks its table');
  assert.equal(await rule('DROP POLICY t_own ON public.t;', 'require-lock-timeout', undefined, []), ['up 5:1'], 'a schema-qualified table is the same table');
  assert.equal(await rule('CREATE TABLE u (id int);\nCREATE RULE u_r AS ON INSERT TO u DO NOTHING;\nDROP RULE u_r ON u;', 'require-lock-timeout', 'DROP TABLE u;', []), [], 'on a new table');
  const none = ['transaction: none'];
  assert.equal(await rule('CREATE INDEX CONCURRENTLY t_x ON t (x);\nREINDEX INDEX CONCURRENTLY t_x;', 'require-lock-timeout', '-- transaction: none\nDROP INDEX CONCURRENTLY t_x;', none), [], 'CONCURRENTLY blocks neither reads nor writes');
  assert.equal(await rule('CREATE INDEX t_x ON t (x);', 'require-lock-timeout', undefined, []), ['up 5:1'], 'without it the index build blocks writes');
  const message = (await staticCheck([base(), child('ALTER TABLE t ADD COLUMN y int;', 'SELECT 1;', [])])).findings.find((f) => f.rule === 'require-lock-timeout')!.message;
  assert.match(message, /the queries on t that conflict with that lock \(writes, and for most ALTER TABLE forms reads too\) queue behind it/);
});

test.run();
