// trace on the real server: a template copy of a database whose orders table has 100,000 rows,
// one revision per kind of change, each asserting the lock modes and rewrites trace observed;
// the database itself unchanged afterwards; the copy refused (and explained) while another
// session is connected; the CLI's --json and summary; check --roundtrip --trace; PGlite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { runTrace, traceHistory, type MigrationTrace, type TraceReport } from '../src/trace/trace.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { loadHistory } from '../src/runner/graph/history.js';
import { withPGliteSchema } from './helpers/pglite.js';
import { runCheck } from '../src/check/index.js';
import { ConnectError } from '../src/runner/util/errors.js';
import { tempSql, type MigrationSpec } from './helpers/migrations.js';
import { SERVER_URL, withDatabase, type TestDatabase } from './helpers/postgres.js';
import { runCli } from './helpers/cli.js';

const chain = (specs: Omit<MigrationSpec, 'parents'>[]): MigrationSpec[] => specs.map((s, i) => ({ down: 'SELECT 1;', ...s, ...(i > 0 ? { parents: [specs[i - 1]!.revision] } : {}) }));

const CHANGES = chain([
  { revision: 'a1', up: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;' },
  { revision: 'a2', up: 'CREATE INDEX orders_amount ON orders (amount);' },
  { revision: 'a3', up: 'CREATE INDEX CONCURRENTLY orders_note ON orders (note);', header: ['transaction: none'] },
  { revision: 'a4', up: 'ALTER TABLE orders ADD COLUMN flag int DEFAULT 0;' },
  { revision: 'a5', up: 'ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;\nSELECT 1;\nALTER TABLE orders VALIDATE CONSTRAINT amount_positive;' },
]);

async function withOrders<T>(fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  return withDatabase(async (db) => {
    await db.query("CREATE TABLE orders (id int PRIMARY KEY, amount int NOT NULL, note text); INSERT INTO orders SELECT g, g, 'n' || g FROM generate_series(1, 100000) g; ANALYZE orders");
    return fn(db);
  });
}

/** The modes a migration's statement took on public.orders, strongest first, and what it rewrote. */
function onOrders(m: MigrationTrace, statement = 1) {
  const s = m.statements[statement - 1]!;
  return { modes: s.locks.filter((l) => l.relation === 'public.orders').map((l) => l.mode), rewrites: s.rewrites, observed: s.observed };
}

async function schemaOf(db: TestDatabase): Promise<string> {
  const rows = await db.query<{ d: string }>(
    "SELECT string_agg(c.relname || ':' || c.relfilenode || ':' || (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0), ';' ORDER BY c.relname) AS d FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
  );
  return rows[0]!.d;
}

let traced: TraceReport;

test('each kind of change on 100,000 rows: the modes and rewrites trace saw; the database itself is unchanged', async () => {
  const t = tempSql(CHANGES);
  try {
    await withOrders(async (db) => {
      const before = await schemaOf(db);
      traced = await runTrace({ dir: t.dir, url: db.url });
      assert.is((await schemaOf(db)), before, 'the real database is untouched');
      const copies = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_database WHERE datname LIKE 'pgstrata_trace_%' AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE pid <> pg_backend_pid())");
      assert.is(copies[0]!.n, '0', 'the copy is dropped');
    });
  } finally {
    t.remove();
  }
  const m = new Map(traced.migrations.map((x) => [x.revision, x]));
  assert.equal([...m.keys()], ['a1', 'a2', 'a3', 'a4', 'a5']);
  assert.ok(traced.migrations.every((x) => !x.failed));

  // ALTER COLUMN … TYPE bigint: ACCESS EXCLUSIVE, and the table (and its index) rewritten.
  const a1 = onOrders(m.get('a1')!);
  assert.is(a1.modes[0], 'AccessExclusiveLock');
  assert.equal(a1.rewrites, ['index public.orders_pkey', 'public.orders']);
  assert.is(m.get('a1')!.statements[0]!.locks[0]!.hasRows, true);
  // CREATE INDEX: SHARE, which blocks writes; no rewrite.
  assert.equal(onOrders(m.get('a2')!), { modes: ['ShareLock'], rewrites: [], observed: 'in transaction' });
  assert.match(m.get('a2')!.statements[0]!.locks.find((l) => l.relation === 'public.orders')!.blocks, /^blocks writes on public.orders/);
  assert.equal(m.get('a2')!.statements[0]!.created, ['index public.orders_amount']);
  // CREATE INDEX CONCURRENTLY (outside a transaction, watched by a second connection): SHARE UPDATE EXCLUSIVE blocks no writes.
  const a3 = onOrders(m.get('a3')!);
  assert.equal(a3, { modes: ['ShareUpdateExclusiveLock'], rewrites: [], observed: 'sampled while running' });
  assert.match(m.get('a3')!.statements[0]!.locks.find((l) => l.relation === 'public.orders')!.blocks, /^blocks no reads or writes/);
  // ADD COLUMN … DEFAULT 0 on PostgreSQL 11+: ACCESS EXCLUSIVE for a moment, no rewrite.
  assert.equal(onOrders(m.get('a4')!), { modes: ['AccessExclusiveLock'], rewrites: [], observed: 'in transaction' });
  // CHECK … NOT VALID, then VALIDATE: the validation takes only SHARE UPDATE EXCLUSIVE (held since
  // the ADD CONSTRAINT took ACCESS EXCLUSIVE, which the hold summary shows across 2 later statements).
  const a5 = m.get('a5')!;
  assert.equal(onOrders(a5, 1).modes, ['AccessExclusiveLock']);
  assert.equal(onOrders(a5, 3), { modes: ['ShareUpdateExclusiveLock'], rewrites: [], observed: 'in transaction' });
  assert.equal(a5.held.filter((h) => h.relation === 'public.orders').map((h) => [h.mode, h.line, h.laterStatements]), [['AccessExclusiveLock', 5, 2]]);
});

test('VALIDATE CONSTRAINT alone, in a revision of its own: SHARE UPDATE EXCLUSIVE is all it takes', async () => {
  const t = tempSql(chain([{ revision: 'v1', up: 'ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;' }, { revision: 'v2', up: 'ALTER TABLE orders VALIDATE CONSTRAINT amount_positive;' }]));
  try {
    await withOrders(async (db) => {
      const r = await runTrace({ dir: t.dir, url: db.url, after: 'v1' });
      assert.equal(r.prepared, ['v1']);
      assert.equal(r.migrations.map((x) => x.revision), ['v2']);
      assert.equal(onOrders(r.migrations[0]!).modes, ['ShareUpdateExclusiveLock']);
      assert.equal((await db.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'amount_positive'"))[0], { n: 0 });
    });
  } finally {
    t.remove();
  }
});

test('a template copy needs the database to itself: the error says so, and what to do', async () => {
  const t = tempSql(CHANGES.slice(0, 1));
  try {
    await withOrders(async (db) => {
      const other = new pg.Client({ connectionString: db.url });
      await other.connect();
      try {
        const e = await runTrace({ dir: t.dir, url: db.url }).then(() => undefined, (x: unknown) => x);
        assert.instance(e, ConnectError);
        assert.match((e as Error).message, /being accessed by other users/);
        assert.match((e as Error).message, /A template copy needs no other session connected to pgstrata_test_\w+: stop the applications/);
        assert.not.match((e as Error).message, /password/i);
      } finally {
        await other.end();
      }
    });
  } finally {
    t.remove();
  }
});

test('the CLI: --json and the summary; only the pending revisions are traced', async () => {
  const t = tempSql(CHANGES.slice(0, 2));
  try {
    await withOrders(async (db) => {
      const up = await runCli(['up', 'a1', '--dir', t.dir, '--url', db.url]);
      assert.is(up.status, 0, up.stderr);
      const j = await runCli(['trace', '--dir', t.dir, '--url', db.url, '--json']);
      assert.is(j.status, 0, j.stderr);
      const doc = JSON.parse(j.stdout) as TraceReport & { ok: boolean };
      assert.is(doc.ok, true);
      assert.equal(doc.migrations.map((x) => x.revision), ['a2']);
      const h = await runCli(['trace', '--dir', t.dir, '--url', db.url]);
      assert.is(h.status, 0, h.stderr);
      assert.match(h.stdout, /r?a2 revision a2 \(1 statement, one transaction/);
      assert.match(h.stdout, /up\/a2_step\.sql:\d+  CREATE INDEX orders_amount ON orders \(amount\)/);
      assert.match(h.stdout, /SHARE: blocks writes on public.orders \(reads go on\), which has rows/);
      assert.ok(h.stdout.split('\n').length < 25, 'one screen');
    });
  } finally {
    t.remove();
  }
});

test('--url must name a server to copy; check --trace needs --roundtrip', async () => {
  const t = tempSql(CHANGES.slice(0, 1));
  try {
    const r = await runCli(['trace', '--dir', t.dir, '--url', 'pglite:./nowhere']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /"pglite:.\/nowhere" is not a postgres:\/\/ URL/);
    const c = await runCli(['check', '--trace', '--dir', t.dir]);
    assert.is(c.status, 2);
    assert.match(c.stderr, /add --roundtrip/);
  } finally {
    t.remove();
  }
});

test('a statement that fails: its place and error, rolled back on the copy, the revisions after it not traced', async () => {
  const t = tempSql(chain([{ revision: 'f1', up: 'ALTER TABLE orders ADD COLUMN x int;\nALTER TABLE orders ADD COLUMN nope_type nope;' }, { revision: 'f2', up: 'SELECT 1;' }]));
  try {
    await withOrders(async (db) => {
      const r = await runCli(['trace', '--dir', t.dir, '--url', db.url]);
      assert.is(r.status, 1);
      assert.match(r.stdout, /FAILED at .*up\/f1_step\.sql:6:\d+: ERROR 42704: type "nope" does not exist/);
      assert.match(r.stdout, /not traced \(a revision before them failed\): f2/);
    });
  } finally {
    t.remove();
  }
});

test('check --roundtrip --trace: trace-* findings with their levels and ignores', async () => {
  const t = tempSql(
    chain([
      { revision: 'c1', up: "CREATE TABLE items (id int PRIMARY KEY, n int);\nINSERT INTO items SELECT g, g FROM generate_series(1, 100) g;", down: 'DROP TABLE items;' },
      { revision: 'c2', up: 'ALTER TABLE items ALTER COLUMN n TYPE bigint;\nSELECT 1;', down: 'ALTER TABLE items ALTER COLUMN n TYPE int;' },
    ]),
  );
  try {
    // The static rules that see the same statement are turned off: this is about what trace saw.
    const rules = { 'change-column-type': 'off', 'require-lock-timeout': 'off' };
    const found = async (more: Record<string, string> = {}) =>
      (await runCheck({ dir: t.dir, roundtrip: true, trace: true, url: SERVER_URL, rules: { ...rules, ...more } })).findings.map((f) => `${f.severity} ${f.rule} ${f.file.replace(/.*\/(up|down)\//, '$1/')}:${f.line}`);
    assert.equal(await found(), ['warning trace-blocks-writes-rows up/c2_step.sql:5', 'warning trace-exclusive-held up/c2_step.sql:5', 'error trace-rewrite up/c2_step.sql:5']);
    assert.equal(await found({ 'trace-exclusive-held': 'off', 'trace-rewrite': 'warn' }), ['warning trace-blocks-writes-rows up/c2_step.sql:5', 'warning trace-rewrite up/c2_step.sql:5']);
    t.write({ revision: 'c2', parents: ['c1'], up: '-- pgstrata-ignore: trace-rewrite, trace-blocks-writes-rows, trace-exclusive-held — items is small\nALTER TABLE items ALTER COLUMN n TYPE bigint;\nSELECT 1;', down: 'ALTER TABLE items ALTER COLUMN n TYPE int;' });
    assert.equal(await found(), []);
  } finally {
    t.remove();
  }
});

test('without a server, on PGlite: the same observations; outside a transaction the locks cannot be watched, and it says so', async () => {
  const t = tempSql(chain([{ revision: 'p1', up: 'CREATE TABLE orders (id int PRIMARY KEY, amount int, note text);\nINSERT INTO orders SELECT g, g, \'n\' FROM generate_series(1, 1000) g;', down: 'DROP TABLE orders;' }, ...CHANGES.slice(0, 3).map((c, i) => ({ ...c, ...(i === 0 ? { parents: ['p1'] } : {}) }))]));
  try {
    await withPGliteSchema(async (db, schema) => {
      const r = await traceHistory({ history: loadHistory(t.dir), engine: PGliteEngine.fromInstance(db), after: 'p1' });
      const m = new Map(r.migrations.map((x) => [x.revision, x]));
      const locks = (rev: string) => m.get(rev)!.statements[0]!.locks.filter((l) => l.relation === `${schema}.orders`).map((l) => l.mode);
      assert.is(locks('a1')[0], 'AccessExclusiveLock');
      assert.equal(m.get('a1')!.statements[0]!.rewrites, [`index ${schema}.orders_pkey`, `${schema}.orders`]);
      assert.equal(locks('a2'), ['ShareLock']);
      assert.equal(m.get('a3')!.failed, undefined);
      assert.equal(m.get('a3')!.statements[0]!.observed, 'not observable');
      assert.equal(m.get('a3')!.statements[0]!.created, [`index ${schema}.orders_note`]);
    });
  } finally {
    t.remove();
  }
});

test.run();
