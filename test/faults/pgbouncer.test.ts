// pgstrata through PgBouncer. In transaction pooling a session advisory lock does not hold across
// calls, so pgstrata must detect it and stop (exit 2) before applying anything; in session pooling
// it must work as on a direct connection. Never is a revision applied twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { linearHistory, tempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { startPgBouncer, type Bouncer } from '../helpers/pgbouncer.js';

const MIGRATIONS = 10;

async function withBouncer(mode: 'session' | 'transaction', poolSize: number, fn: (b: Bouncer) => Promise<void>): Promise<void> {
  const bouncer = await startPgBouncer(mode, poolSize);
  try {
    await fn(bouncer);
  } finally {
    await bouncer.stop();
  }
}

async function relations(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ relname: string }>("SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1");
  return rows.map((r) => r.relname);
}

async function upEvents(db: TestDatabase): Promise<Map<string, number>> {
  const rows = await db.query<{ revision: string; n: string }>("SELECT revision, count(*)::text AS n FROM pgstrata_version_log WHERE event = 'up' GROUP BY revision");
  return new Map(rows.map((r) => [r.revision, Number(r.n)]));
}

test('transaction pooling: a lone runner stops with exit 2 and a clear error before writing anything', () =>
  withBouncer('transaction', 4, (bouncer) =>
    withDatabase(async (db) => {
      const sql = tempSql(linearHistory(MIGRATIONS));
      try {
        const r = await runCli(['up', '--url', bouncer.url(db.name), '--dir', sql.dir]);
        assert.is(r.status, 2, r.stderr);
        assert.not.match(r.stdout, /up {3}r\d+/, 'no step was reported as applied');
        assert.match(r.stderr, /goes through a pooler that shares server sessions between clients \(PgBouncer in transaction or statement pool mode\?\)/);
        assert.match(r.stderr, /Nothing was applied/);
        assert.equal(await relations(db), [], 'no version table, no migration: zero writes');
        const status = await runCli(['status', '--url', bouncer.url(db.name), '--dir', sql.dir]);
        assert.is(status.status, 0, 'read-only commands need no lock and work through it');
        const report = await runCli(['status', '--json', '--url', bouncer.url(db.name), '--dir', sql.dir]);
        assert.is(report.status, 0, report.stderr);
        assert.equal(JSON.parse(report.stdout).pending, linearHistory(MIGRATIONS).map((m) => m.revision), 'status reads the database through the pooler: everything pending');
        assert.equal(await relations(db), [], 'status wrote nothing either');
      } finally {
        sql.remove();
      }
    }),
  ),
);

test('transaction pooling: 8 runners at once either stop with exit 2 having applied nothing, or apply correctly; none twice', () =>
  withBouncer('transaction', 3, (bouncer) =>
    withDatabase(async (db) => {
      const sql = tempSql(linearHistory(MIGRATIONS));
      try {
        let applied = 0;
        for (let round = 0; round < 3; round++) {
          const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(['up', '--url', bouncer.url(db.name), '--dir', sql.dir, '--json', '--lock-timeout', '30s'])));
          for (const r of runs) {
            assert.ok(r.status === 0 || r.status === 2, r.stderr);
            if (r.status === 2) assert.is(JSON.parse(r.stdout).code, 'session-pooling');
          }
          const events = (await relations(db)).includes('pgstrata_version_log') ? await upEvents(db) : new Map<string, number>();
          assert.ok([...events.values()].every((n) => n === 1), `no revision applied twice: ${JSON.stringify([...events])}`);
          applied += runs.filter((r) => r.status === 0).reduce((n, r) => n + (JSON.parse(r.stdout) as { steps: unknown[] }).steps.length, 0);
          assert.is(applied, events.size, 'what the successful runners report is what the log holds');
        }
      } finally {
        sql.remove();
      }
    }),
  ),
);

test('session pooling: pgstrata works as on a direct connection, 8 runners at once, each revision once', () =>
  withBouncer('session', 20, (bouncer) =>
    withDatabase(async (db) => {
      const sql = tempSql(linearHistory(MIGRATIONS));
      try {
        const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(['up', '--url', bouncer.url(db.name), '--dir', sql.dir, '--json'])));
        assert.equal(runs.map((r) => r.status), [0, 0, 0, 0, 0, 0, 0, 0], runs.map((r) => r.stderr).join('\n'));
        const events = await upEvents(db);
        assert.is(events.size, MIGRATIONS);
        assert.ok([...events.values()].every((n) => n === 1));
        const down = await runCli(['down', 'base', '--url', bouncer.url(db.name), '--dir', sql.dir]);
        assert.is(down.status, 0, down.stderr);
        assert.equal(await db.query('SELECT revision FROM pgstrata_version'), []);
      } finally {
        sql.remove();
      }
    }),
  ),
);

test.run();
