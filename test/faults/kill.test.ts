// kill -9 of a runner at 50 random moments of a 100-migration run. After each kill the version
// rows match the objects that exist (each migration creates one table and its row commits in the
// same transaction), and a plain rerun completes the history.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { linearHistory, tempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { eventually, startCli } from '../helpers/process.js';
import { seededRandom } from '../helpers/random.js';

const KILLS = 50;
const MIGRATIONS = 100;
/** Rows each migration inserts after creating its table. */
const ROWS = 50;

/** Waits until the killed runner's backend has gone: until then its last script may still commit. */
async function backendsGone(db: TestDatabase): Promise<void> {
  await eventually('the killed runner\'s backend to end', async () => {
    const rows = await db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgstrata'");
    return rows.length === 0 ? true : undefined;
  });
}

/** Version rows against the tables that exist, read in one snapshot; returns how many are applied. */
async function assertConsistent(db: TestDatabase, context: string): Promise<number> {
  const [row] = await db.query<{ versions: string[] | null; tables: string[]; halfmade: string[]; underfilled: string[] }>(`
    SELECT (SELECT array_agg(revision ORDER BY revision) FROM pgstrata_version) AS versions,
           (SELECT coalesce(array_agg('r' || lpad(substr(tablename::text, 3), 6, '0') ORDER BY 1), '{}') FROM pg_tables
             WHERE schemaname = 'public' AND tablename LIKE 't\\_%') AS tables,
           (SELECT coalesce(array_agg(relname::text), '{}') FROM pg_class c WHERE relkind = 'r' AND relname LIKE 't\\_%'
             AND NOT EXISTS (SELECT 1 FROM pg_class k WHERE k.relname = c.relname || '_pkey')) AS halfmade,
           (SELECT coalesce(array_agg(tablename::text ORDER BY 1), '{}') FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'
             AND (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', tablename), false, true, '')))[1]::text::int <> ${ROWS}) AS underfilled`).catch(async (e: { code?: string }) => {
    if (e.code !== '42P01') throw e;
    // No version table yet: then no migration may have run either.
    return db.query<{ versions: null; tables: string[]; halfmade: string[]; underfilled: string[] }>(
      "SELECT NULL AS versions, coalesce(array_agg(tablename::text), '{}') AS tables, '{}'::text[] AS halfmade, '{}'::text[] AS underfilled FROM pg_tables WHERE schemaname = 'public'",
    );
  });
  const versions = row!.versions ?? [];
  assert.equal(versions, [...row!.tables].sort(), `${context}: version rows match the tables that exist`);
  assert.equal(row!.halfmade, [], `${context}: no table exists without its primary key (nothing half-applied)`);
  // CREATE TABLE alone is atomic; the INSERT after it in the same migration is what a torn commit would lose.
  assert.equal(row!.underfilled, [], `${context}: every table holds the ${ROWS} rows its migration inserted (nothing half-applied)`);
  return versions.length;
}

test(`kill -9 at ${KILLS} random moments of a ${MIGRATIONS}-migration run: consistent after each, and a rerun completes`, async () => {
  const random = seededRandom();
  process.stderr.write(`  (FAULT_SEED=${random.seed})\n`);
  const history = linearHistory(MIGRATIONS).map((m, i) => ({ ...m, up: `${m.up}\nINSERT INTO t_${i + 1} SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g;` }));
  const sql = tempSql(history);
  const partial: number[] = [];
  try {
    for (let k = 0; k < KILLS; k++) {
      await withDatabase(async (db) => {
        const context = `kill ${k + 1} (FAULT_SEED=${random.seed})`;
        // Kill after a random number of committed steps (as printed), plus a random few ms; or,
        // for about one kill in ten, at a random moment of start-up, connection, lock and set-up.
        const afterSteps = random.next() < 0.1 ? 0 : random.int(1, MIGRATIONS - 1);
        const extraMs = afterSteps === 0 ? random.int(0, 400) : random.int(0, 5);
        const run = startCli(['up', '--url', db.url, '--dir', sql.dir]);
        if (afterSteps > 0) await run.waitFor(new RegExp(`up   r${String(afterSteps).padStart(6, '0')} `)).catch(() => {});
        await new Promise((r) => setTimeout(r, extraMs));
        run.child.kill('SIGKILL');
        const ended = await run.done;
        await backendsGone(db);
        const applied = await assertConsistent(db, context);
        partial.push(ended.signal === 'SIGKILL' ? applied : -1);
        const rerun = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
        assert.is(rerun.status, 0, `${context}: ${rerun.stderr}`);
        assert.is(await assertConsistent(db, `${context}, after the rerun`), MIGRATIONS);
        const ups = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pgstrata_version_log WHERE event = 'up'");
        assert.is(ups[0]!.n, String(MIGRATIONS), `${context}: one up event per revision`);
      });
    }
    const midRun = partial.filter((n) => n > 0 && n < MIGRATIONS).length;
    process.stderr.write(`  (${midRun} of ${KILLS} kills landed between the first and the last migration; applied before the kill: ${partial.join(' ')})\n`);
    assert.ok(midRun >= KILLS / 2, 'most kills landed mid-run, so the test exercised what it claims');
  } finally {
    sql.remove();
  }
});

test.run();
