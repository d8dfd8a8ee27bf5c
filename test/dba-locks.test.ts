// `pgstrata locks`: holders and waiters of the migration lock on a real server, and
// --release-stale terminating a holder only when it is an idle pgstrata backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { PostgresEngine } from '../src/runner/engines/postgres.js';
import { LockTimeoutError } from '../src/runner/util/errors.js';
import { acquireLock, lockKey } from '../src/runner/store/lock.js';
import { lockSessions, type LockReport } from '../src/runner/commands/locks.js';
import { silentLogger } from '../src/runner/util/logger.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { tempSql, type TempSql } from './helpers/migrations.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';
import { eventually } from './helpers/process.js';

const KEY = String(lockKey('public', 'pgstrata_version'));

async function connect(db: TestDatabase, applicationName: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: applicationName });
  c.on('error', () => {}); // the test terminates some of these on purpose
  await c.connect();
  return c;
}

async function pidOf(c: pg.Client): Promise<number> {
  return (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

const cli = (sql: TempSql, db: TestDatabase, ...args: string[]): Promise<CliResult> => runCli(['--dir', sql.dir, '--url', db.url, ...args]);

interface Report {
  holders: Array<{ pid: number; applicationName: string; state: string; role: string }>;
  waiters: Array<{ pid: number; applicationName: string; role: string }>;
}

async function locks(sql: TempSql, db: TestDatabase): Promise<Report> {
  const r = await cli(sql, db, 'locks', '--json');
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

/** Polls `locks --json` until `done` says the report is complete; fails after a minute rather than hang. */
function waitForLocks(sql: TempSql, db: TestDatabase, done: (r: Report) => boolean): Promise<Report> {
  let last: Report | undefined;
  return eventually('the expected lock report', async () => {
    last = await locks(sql, db);
    return done(last) ? last : undefined;
  }).catch((e: Error) => {
    throw new Error(`${e.message}; last report: ${JSON.stringify(last)}`);
  });
}

const history = () => tempSql([{ revision: 'a1', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);

test('locks shows the holder, a polling runner and a session blocked in pg_advisory_lock; --release-stale frees a stale pgstrata holder', async () => {
  const sql = history();
  try {
    await withDatabase(async (db) => {
      const stale = await connect(db, 'pgstrata');
      const stalePid = await pidOf(stale);
      await stale.query(`SELECT pg_advisory_lock(${KEY})`);
      const runner = cli(sql, db, 'up', '--lock-timeout', '2m');
      const blocked = await connect(db, 'ops-console');
      const blockedPid = await pidOf(blocked);
      const blockedDone = blocked.query(`SELECT pg_advisory_lock(${KEY}), pg_advisory_unlock(${KEY})`);
      // Should an assertion fail, dropping the database ends this query: report the failure, not an unhandled rejection.
      blockedDone.catch(() => {});

      const report = await waitForLocks(sql, db, (r) => r.waiters.length === 2);
      assert.equal(report.holders.map((h) => [h.pid, h.applicationName, h.state]), [[stalePid, 'pgstrata', 'idle']]);
      assert.equal(report.waiters.map((w) => w.role).sort(), ['blocked', 'polls']);
      assert.is(report.waiters.find((w) => w.role === 'blocked')?.pid, blockedPid);
      assert.is(report.waiters.find((w) => w.role === 'polls')?.applicationName, 'pgstrata');
      const human = await cli(sql, db, 'locks');
      assert.match(human.stdout, `holds   pid ${stalePid} pgstrata`);
      assert.match(human.stdout, 'polling for it');
      assert.match(human.stdout, `waits   pid ${blockedPid} ops-console`);

      const tooRecent = await cli(sql, db, 'locks', '--release-stale', '--older-than', '1h');
      assert.is(tooRecent.status, 5);
      assert.match(tooRecent.stderr, `pid ${stalePid} (application_name pgstrata) has been idle for`);
      assert.is((await locks(sql, db)).holders[0]?.pid, stalePid, 'still held');
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 't'"), [], 'the waiting runner has applied nothing yet');

      const released = await cli(sql, db, 'locks', '--release-stale', '--older-than', '0s');
      assert.is(released.status, 0, released.stderr);
      assert.match(released.stdout, `Terminated pid ${stalePid} pgstrata`, released.stdout);
      await blockedDone;
      const ran = await runner;
      assert.is(ran.status, 0, ran.stderr);
      assert.equal(await db.query("SELECT revision FROM pgstrata_version"), [{ revision: 'a1' }]);
      await blocked.end();
      await stale.end().catch(() => {});
      const after = await cli(sql, db, 'locks', '--release-stale');
      assert.is(after.status, 0, after.stderr);
      assert.match(after.stdout, 'Nobody holds the migration lock');
    });
  } finally {
    sql.remove();
  }
});

test('--release-stale refuses a holder that is not pgstrata, and one that is working', async () => {
  const sql = history();
  try {
    await withDatabase(async (db) => {
      const other = await connect(db, 'psql');
      const otherPid = await pidOf(other);
      await other.query(`SELECT pg_advisory_lock(${KEY})`);
      const notOurs = await cli(sql, db, 'locks', '--release-stale', '--older-than', '0s');
      assert.is(notOurs.status, 5);
      assert.match(notOurs.stderr, `pid ${otherPid} (application_name psql) is not a pgstrata runner`);
      assert.equal((await locks(sql, db)).holders.map((h) => h.pid), [otherPid], 'the lock stays held');
      assert.equal(await db.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_stat_activity WHERE pid = $1', [otherPid]), [{ n: '1' }], 'its backend was not terminated');
      await other.end();

      const busy = await connect(db, 'pgstrata');
      const busyPid = await pidOf(busy);
      await busy.query(`SELECT pg_advisory_lock(${KEY})`);
      const sleeping = busy.query('SELECT pg_sleep(600)').catch(() => undefined);
      await waitForLocks(sql, db, (r) => r.holders[0]?.state === 'active');
      const working = await cli(sql, db, 'locks', '--release-stale', '--older-than', '0s');
      assert.is(working.status, 5);
      assert.match(working.stderr, `pid ${busyPid} (application_name pgstrata) is active (SELECT pg_sleep(600)): it is working, not stale`);
      assert.equal((await locks(sql, db)).holders.map((h) => h.pid), [busyPid], 'the lock stays held');
      await db.query('SELECT pg_cancel_backend($1)', [busyPid]);
      await sleeping;
      await busy.end();
    });
  } finally {
    sql.remove();
  }
});

test('--release-stale --dry-run names the holder it would terminate, after the same checks, and terminates nothing', async () => {
  const sql = history();
  try {
    await withDatabase(async (db) => {
      const stale = await connect(db, 'pgstrata');
      const stalePid = await pidOf(stale);
      await stale.query(`SELECT pg_advisory_lock(${KEY})`);
      const dry = await cli(sql, db, 'locks', '--release-stale', '--older-than', '0s', '--dry-run');
      assert.is(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, `Would terminate pid ${stalePid} pgstrata`);
      assert.match(dry.stdout, 'nothing was terminated');
      const json = JSON.parse((await cli(sql, db, 'locks', '--release-stale', '--older-than', '0s', '--dry-run', '--json')).stdout);
      assert.equal([json.dryRun, json.terminated.pid], [true, stalePid]);
      assert.equal((await locks(sql, db)).holders.map((h) => h.pid), [stalePid], 'the lock stays held');
      assert.equal((await stale.query('SELECT 1 AS alive')).rows, [{ alive: 1 }], 'its backend is alive');
      // The checks are those of a real release: too recent is refused, dry run or not.
      const tooRecent = await cli(sql, db, 'locks', '--release-stale', '--older-than', '1h', '--dry-run');
      assert.is(tooRecent.status, 5);
      assert.match(tooRecent.stderr, `pid ${stalePid} (application_name pgstrata) has been idle for`);
      await stale.end();
    });
  } finally {
    sql.remove();
  }
});

test('a waiting runner shows as polling at every moment, also while it reports who holds the lock', async () => {
  await withDatabase(async (db) => {
    const holder = await connect(db, 'someone-else');
    const holderPid = await pidOf(holder);
    const runner = await PostgresEngine.connect(db.url);
    const watcher = await PostgresEngine.connect(db.url, 'watcher');
    try {
      await holder.query(`SELECT pg_advisory_lock(${KEY})`);
      const [{ pid: runnerPid }] = (await runner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const waits: number[] = [];
      const logger = { ...silentLogger, warn: (obj: object) => void ((obj as { event?: string }).event === 'lock-wait' && waits.push((obj as { holder: { pid: number } | null }).holder?.pid ?? -1)) };
      // reportEveryMs 0: the runner says who holds the lock after every poll. Were that a statement of
      // its own, `locks` would not see the runner polling while it ran, nor until the next poll.
      let settled = false;
      const outcome = acquireLock(runner, { key: BigInt(KEY), timeoutMs: 1500, logger, reportEveryMs: 0 })
        .then((lock) => lock, (e: unknown) => e)
        .finally(() => (settled = true));
      let seen = 0;
      let missed = 0;
      let firstMiss: LockReport | undefined;
      while (!settled) {
        const report = await lockSessions(watcher, BigInt(KEY));
        if (report.waiters.some((w) => w.pid === runnerPid && w.role === 'polls')) {
          seen++;
        } else if (seen > 0) {
          missed++;
          firstMiss ??= report;
        }
      }
      assert.ok(seen > 0, 'the runner was seen polling');
      assert.is(missed, 0, `once seen polling, ${missed} of ${seen + missed} reports left the runner out, e.g. ${JSON.stringify(firstMiss)}`);
      const e = await outcome;
      assert.instance(e, LockTimeoutError);
      assert.match((e as Error).message, `held by pid ${holderPid}, application_name someone-else`);
      assert.ok(waits.length > 1 && waits.every((pid) => pid === holderPid), JSON.stringify(waits));
    } finally {
      await watcher.close();
      await runner.close();
      await holder.end();
    }
  });
});

test.run();
