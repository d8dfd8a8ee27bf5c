// A fleet against three extra PostgreSQL clusters holding 100 databases and a database with one
// schema per tenant, plus one unreachable target and one whose migration fails. Then status, and
// two processes sharing one run through --fleet-state: no target is done twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startClusters, type Cluster } from './helpers/clusters.js';
import { linearHistory, tempSql, type TempSql } from './helpers/migrations.js';
import { runCli, startCli } from './helpers/cli.js';
import { createDatabase, type TestDatabase } from './helpers/postgres.js';

const MIGRATIONS = 5;
const DATABASES = 100;
const TENANTS = 6;

let clusters: Cluster[] = [];
let sql: TempSql;
let cwd: string;

test.before(async () => {
  clusters = await startClusters(3);
  // The second migration fills t_2 by column name, so a database holding a t_2 of another shape
  // fails at a line and column of the file.
  const history = linearHistory(MIGRATIONS);
  history[1]!.up = 'CREATE TABLE IF NOT EXISTS t_2 (id integer PRIMARY KEY, note text);\nINSERT INTO t_2 (id, note) VALUES (1, \'seed\');';
  sql = tempSql(history);
  cwd = mkdtempSync(join(tmpdir(), 'pgstrata-fleet-'));
});

test.after(() => {
  for (const c of clusters) c.stop();
  sql.remove();
  rmSync(cwd, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Databases spread over the clusters, created there; returns name -> URL. */
async function spread(prefix: string, n: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const per: string[][] = clusters.map(() => []);
  for (let i = 0; i < n; i++) per[i % clusters.length]!.push(`${prefix}${String(i).padStart(3, '0')}`);
  await Promise.all(per.map((list, k) => clusters[k]!.createDatabases(list)));
  per.forEach((list, k) => list.forEach((d) => names.set(d, clusters[k]!.url(d))));
  return names;
}

/** Each revision's successful up events in one version table's log (failed attempts are logged with their SQLSTATE): exactly one each when done once. */
async function upEvents(url: string, schema = 'public'): Promise<number[]> {
  const rows = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "${schema}".pgstrata_version_log WHERE event = 'up' AND error IS NULL GROUP BY revision ORDER BY revision`);
  return rows.map((r) => Number(r.n));
}

test('up --targets: 100 databases and 6 tenants at head, the failure and the unreachable one named', async () => {
  const dbs = await spread('fleet_db', DATABASES);
  const [broken] = [...dbs.keys()].slice(-1);
  // A t_2 of another shape makes the second migration fail.
  await query(dbs.get(broken!)!, 'CREATE TABLE t_2 (x int)');
  await clusters[0]!.createDatabases(['fleet_tenants']);
  const tenantsUrl = clusters[0]!.url('fleet_tenants');
  const lines = ['# a fleet', ...[...dbs].map(([n, u]) => `${n} ${u}`)];
  for (let i = 1; i <= TENANTS; i++) lines.push(`tenant${i} ${tenantsUrl} schema=tenant_${i}`);
  lines.push('gone postgres://postgres:Sekr3t@127.0.0.1:1/nowhere');
  const file = join(cwd, 'fleet.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const r = await runCli(['up', '--targets', file, '--dir', sql.dir, '--keep-going', '--concurrency', '8', '--json'], { cwd });
  assert.is(r.status, 1, r.stderr);
  assert.not.match(r.stdout + r.stderr, 'Sekr3t');
  const report = JSON.parse(r.stdout) as { ok: boolean; run: string; counts: Record<string, number>; targets: Array<{ name: string; state: string; attempts: number; outcome?: { applied: string[]; error?: { location?: string; message: string } } }> };
  assert.is(report.ok, false);
  assert.equal(report.counts, { migrated: DATABASES - 1 + TENANTS, atHead: 0, failed: 1, unreachable: 1, skipped: 0, running: 0 });
  const failed = report.targets.find((t) => t.state === 'failed')!;
  assert.is(failed.name, broken);
  assert.match(failed.outcome!.error!.location!, /r000002_step\.sql:6:\d+$/, JSON.stringify(failed));
  assert.match(failed.outcome!.error!.message, 'column "id" of relation "t_2" does not exist');
  assert.is(report.targets.find((t) => t.state === 'unreachable')!.name, 'gone');
  for (const t of report.targets) if (t.state === 'migrated') assert.is(t.outcome!.applied.length, MIGRATIONS, t.name);

  // Every database at head, each revision applied once; the tenants' tables in their own schemas.
  for (const [name, url] of dbs) if (name !== broken) assert.equal(await upEvents(url), Array(MIGRATIONS).fill(1), name);
  assert.equal(await upEvents(dbs.get(broken!)!), [1]);
  for (let i = 1; i <= TENANTS; i++) assert.equal(await upEvents(tenantsUrl, `tenant_${i}`), Array(MIGRATIONS).fill(1));
  const homes = await query<{ schema: string; n: string }>(tenantsUrl, "SELECT table_schema AS schema, count(*) AS n FROM information_schema.tables WHERE table_name LIKE 't\\_%' GROUP BY 1 ORDER BY 1");
  assert.equal(homes.map((h) => [h.schema, Number(h.n)]), Array.from({ length: TENANTS }, (_, i) => [`tenant_${i + 1}`, MIGRATIONS]));

  // The human report names them too; the same command again finds everything done but them.
  const again = await runCli(['up', '--targets', file, '--dir', sql.dir, '--keep-going', '--run', report.run], { cwd });
  assert.is(again.status, 1);
  assert.match(again.stdout, new RegExp(`${broken}\\s+FAILED: .*r000002_step\\.sql:6:\\d+: ERROR 42703`));
  assert.match(again.stdout, /gone\s+UNREACHABLE: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  assert.not.match(again.stdout + again.stderr, 'Sekr3t');

  // Fix the broken database, resume: only it and the unreachable one are tried again.
  await query(dbs.get(broken!)!, 'DROP TABLE t_2');
  const resumed = await runCli(['fleet', 'resume', report.run, '--json', '--keep-going'], { cwd });
  assert.is(resumed.status, 6, resumed.stderr);
  const after = JSON.parse(resumed.stdout) as typeof report;
  assert.equal(after.counts, { migrated: DATABASES + TENANTS, atHead: 0, failed: 0, unreachable: 1, skipped: 0, running: 0 });
  assert.is(after.targets.find((t) => t.name === broken)!.attempts, 2);
  assert.is(after.targets.find((t) => t.name === 'fleet_db000')!.attempts, 1);
  assert.equal(await upEvents(dbs.get(broken!)!), Array(MIGRATIONS).fill(1));

  // status --targets: one line per target and the counts.
  const st = await runCli(['status', '--targets', file, '--dir', sql.dir], { cwd });
  assert.is(st.status, 6, st.stderr);
  assert.match(st.stdout, /fleet_db000\s+r000005\s+at head/);
  assert.match(st.stdout, /tenant3\s+r000005\s+at head/);
  assert.match(st.stdout, `${DATABASES + TENANTS + 1} targets: ${DATABASES + TENANTS} at head, 0 behind, 0 with drift, 0 dirty, 1 unreachable`);
  const sj = JSON.parse((await runCli(['status', '--targets', file, '--dir', sql.dir, '--json'], { cwd })).stdout) as { counts: { atHead: number } };
  assert.is(sj.counts.atHead, DATABASES + TENANTS);
});

test('without --keep-going a failure starts no new target; the rest are reported skipped', async () => {
  const dbs = await spread('fleet_stop', 12);
  const first = [...dbs.keys()][0]!;
  await query(dbs.get(first)!, 'CREATE TABLE t_1 (x int)');
  const file = join(cwd, 'stop.txt');
  writeFileSync(file, [...dbs].map(([n, u]) => `${n} ${u}`).join('\n'));
  const r = await runCli(['up', '--targets', file, '--dir', sql.dir, '--concurrency', '1', '--json'], { cwd });
  assert.is(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { stopped: boolean; counts: Record<string, number> };
  assert.ok(report.stopped);
  assert.equal(report.counts, { migrated: 0, atHead: 0, failed: 1, unreachable: 0, skipped: 11, running: 0 });
});

test('two processes share one --fleet-state run: every target done once, by one of them', async () => {
  const dbs = await spread('fleet_two', 30);
  let state: TestDatabase | undefined;
  try {
    state = await createDatabase('pgstrata_fleet_state');
    const file = join(cwd, 'two.txt');
    writeFileSync(file, [...dbs].map(([n, u]) => `${n} ${u}`).join('\n'));
    const args = ['up', '--targets', file, '--dir', sql.dir, '--run', 'shared', '--fleet-state', state.url, '--concurrency', '3', '--json'];
    const [a, b] = await Promise.all([startCli(args, { cwd }).done, startCli(args, { cwd }).done]);
    assert.is(a.status, 0, a.stderr);
    assert.is(b.status, 0, b.stderr);
    const rows = await state.query<{ name: string; state: string; attempts: number; claimed_by: string }>("SELECT name, state, attempts, claimed_by FROM pgstrata_fleet_target WHERE run_id = 'shared'");
    assert.is(rows.length, dbs.size);
    for (const row of rows) {
      assert.is(row.state, 'migrated', row.name);
      assert.is(row.attempts, 1, row.name);
    }
    assert.is(new Set(rows.map((r) => r.claimed_by)).size, 2, 'both processes did some');
    for (const [name, url] of dbs) assert.equal(await upEvents(url), Array(MIGRATIONS).fill(1), name);
    // Both print the whole run.
    for (const out of [a.stdout, b.stdout]) assert.is((JSON.parse(out) as { counts: { migrated: number } }).counts.migrated, dbs.size);
  } finally {
    await state?.drop();
  }
});

test.run();
