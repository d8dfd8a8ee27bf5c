// 32 runners started at once on one database, 20 times: every revision is applied exactly once,
// every runner exits 0, and the waiting runners say so in their logs. Half the repetitions hold
// the lock from the test until all 32 are waiting, so that they race for it at one instant and
// every one of them must log its wait; the other half start free.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { lockKey } from '../../src/runner/store/lock.js';
import { withDatabase } from '../helpers/postgres.js';
import { linearHistory, tempSql } from '../helpers/migrations.js';
import { startCli, type LiveCli } from '../helpers/process.js';

const RUNNERS = 32;
const REPETITIONS = 20;
const MIGRATIONS = 20;

interface Outcome {
  applied: number;
  waits: Array<{ holder: { pid: number; applicationName: string } | null }>;
}

function outcome(r: { status: number; stdout: string; stderr: string }): Outcome {
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { ok: boolean; steps: unknown[] };
  const waits = r.stderr
    .split('\n')
    .filter((l) => l.includes('"event":"lock-wait"'))
    .map((l) => JSON.parse(l) as Outcome['waits'][number]);
  return { applied: doc.steps.length, waits };
}

async function assertExactlyOnce(db: { query<T>(sql: string): Promise<T[]> }, outcomes: Outcome[]): Promise<void> {
  assert.is(outcomes.reduce((n, o) => n + o.applied, 0), MIGRATIONS, 'the runners applied 20 steps between them');
  const versions = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pgstrata_version');
  assert.is(versions[0]!.n, String(MIGRATIONS));
  const ups = await db.query<{ revision: string; n: string }>("SELECT revision, count(*)::text AS n FROM pgstrata_version_log WHERE event = 'up' GROUP BY revision HAVING count(*) <> 1");
  assert.equal(ups, [], 'every revision has exactly one up event');
  const tables = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'");
  assert.is(tables[0]!.n, String(MIGRATIONS));
}

test(`${RUNNERS} runners at once, ${REPETITIONS} times: each revision applied exactly once, all exit 0, waits logged`, async () => {
  const sql = tempSql(linearHistory(MIGRATIONS));
  const args = (url: string) => ['up', '--url', url, '--dir', sql.dir, '--json', '--log-level', 'info', '--log-format', 'json'];
  let freeWaits = 0;
  try {
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const barrier = rep % 2 === 0;
      await withDatabase(async (db) => {
        const holder = new pg.Client({ connectionString: db.url, application_name: 'fault-test-barrier' });
        let holderPid = 0;
        if (barrier) {
          await holder.connect();
          holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(lockKey('public', 'pgstrata_version'))]);
        }
        let runners: LiveCli[] = [];
        try {
          runners = Array.from({ length: RUNNERS }, () => startCli(args(db.url)));
          if (barrier) {
            await Promise.all(runners.map((r) => r.waitFor(/"event":"lock-wait"/)));
            await holder.query('SELECT pg_advisory_unlock_all()');
          }
          const outcomes = (await Promise.all(runners.map((r) => r.done))).map(outcome);
          await assertExactlyOnce(db, outcomes);
          for (const o of outcomes) for (const w of o.waits) assert.ok(w.holder === null || typeof w.holder.pid === 'number', 'a wait names the holder');
          if (barrier) {
            for (const o of outcomes) assert.ok(o.waits.some((w) => w.holder?.pid === holderPid), 'every runner logged that it waited for the barrier holder');
          } else {
            freeWaits += outcomes.reduce((n, o) => n + o.waits.length, 0);
          }
        } finally {
          for (const r of runners) r.child.kill('SIGKILL');
          await holder.end().catch(() => {});
        }
      });
    }
    process.stderr.write(`  (free-start repetitions logged ${freeWaits} lock waits in all)\n`);
  } finally {
    sql.remove();
  }
});

test.run();
