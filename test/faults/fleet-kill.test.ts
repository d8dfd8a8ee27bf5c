// kill -9 of a fleet run part-way, then `fleet resume`: every target ends at head with each
// revision applied exactly once, with the run record in a local file and in a --fleet-state
// database. The targets live on three extra clusters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startClusters, type Cluster } from '../helpers/clusters.js';
import { linearHistory, tempSql, type TempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { eventually, startCli } from '../helpers/process.js';
import { createDatabase, type TestDatabase } from '../helpers/postgres.js';

const MIGRATIONS = 5;
const TARGETS = 30;

let clusters: Cluster[] = [];
let sql: TempSql;
let cwd: string;

test.before(async () => {
  clusters = await startClusters(3);
  // Slow enough migrations that the kill lands while targets are being migrated.
  sql = tempSql(linearHistory(MIGRATIONS).map((m) => ({ ...m, up: `${m.up}\nSELECT pg_sleep(0.03);` })));
  cwd = mkdtempSync(join(tmpdir(), 'pgstrata-fleet-kill-'));
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

async function targetsFile(prefix: string): Promise<{ file: string; urls: string[] }> {
  const per: string[][] = clusters.map(() => []);
  for (let i = 0; i < TARGETS; i++) per[i % clusters.length]!.push(`${prefix}${i}`);
  await Promise.all(per.map((names, k) => clusters[k]!.createDatabases(names)));
  const lines = per.flatMap((names, k) => names.map((n) => `${n} ${clusters[k]!.url(n)}`));
  const file = join(cwd, `${prefix}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, urls: lines.map((l) => l.split(' ')[1]!) };
}

/** Successful up events per revision: [1, 1, 1, 1, 1] when each was applied exactly once. */
async function assertAtHeadOnce(urls: string[]): Promise<void> {
  for (const url of urls) {
    const rows = await query<{ n: string }>(url, "SELECT count(*) AS n FROM pgstrata_version_log WHERE event = 'up' AND error IS NULL GROUP BY revision ORDER BY revision");
    assert.equal(rows.map((r) => Number(r.n)), Array(MIGRATIONS).fill(1), url);
    const tables = await query<{ n: string }>(url, "SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE 't\\_%'");
    assert.is(Number(tables[0]!.n), MIGRATIONS, url);
  }
}

test('kill -9 mid-run, then fleet resume: every target at head, each revision once (local record)', async () => {
  const { file, urls } = await targetsFile('kill_local_');
  const live = startCli(['up', '--targets', file, '--dir', sql.dir, '--run', 'killed', '--concurrency', '3'], { cwd });
  const record = join(cwd, '.pgstrata', 'fleet', 'killed.json');
  const doneCount = () => (existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as { targets: Array<{ state: string }> }).targets.filter((t) => t.state === 'migrated').length : 0);
  await eventually('some targets migrated', async () => (doneCount() >= 6 ? true : undefined));
  live.child.kill('SIGKILL');
  const ended = await live.done;
  assert.is(ended.signal, 'SIGKILL');
  const before = doneCount();
  assert.ok(before < TARGETS, `the kill came after the end (${before} done)`);

  const r = await runCli(['fleet', 'resume', 'killed', '--json'], { cwd });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { ok: boolean; counts: { migrated: number }; targets: Array<{ attempts: number }> };
  assert.ok(report.ok);
  assert.is(report.counts.migrated, TARGETS);
  await assertAtHeadOnce(urls);
  // Done before the kill: not claimed again.
  assert.ok(report.targets.filter((t) => t.attempts === 1).length >= before);
  // And again: nothing left to do.
  const again = await runCli(['fleet', 'resume', 'killed'], { cwd });
  assert.is(again.status, 0, again.stderr);
});

test('kill -9 of one of two processes sharing --fleet-state: the other and a resume finish, nothing done twice', async () => {
  const { file, urls } = await targetsFile('kill_shared_');
  let state: TestDatabase | undefined;
  try {
    state = await createDatabase('pgstrata_fleet_state');
    const args = ['up', '--targets', file, '--dir', sql.dir, '--run', 'shared', '--fleet-state', state.url, '--concurrency', '2'];
    const victim = startCli(args, { cwd });
    const survivor = startCli(args, { cwd });
    await eventually('some targets migrated', async () => {
      const rows = await state!.query<{ n: string }>("SELECT count(*) AS n FROM pgstrata_fleet_target WHERE state = 'migrated'").catch(() => [{ n: '0' }]);
      return Number(rows[0]!.n) >= 6 ? true : undefined;
    });
    victim.child.kill('SIGKILL');
    assert.is((await victim.done).signal, 'SIGKILL');
    // The survivor takes over the victim's claims once its connection is gone.
    const s = await survivor.done;
    assert.is(s.status, 0, s.stderr);
    const r = await runCli(['fleet', 'resume', 'shared', '--fleet-state', state.url, '--json'], { cwd });
    assert.is(r.status, 0, r.stderr);
    assert.is((JSON.parse(r.stdout) as { counts: { migrated: number } }).counts.migrated, TARGETS);
    const rows = await state.query<{ state: string }>("SELECT state FROM pgstrata_fleet_target WHERE run_id = 'shared'");
    assert.equal(rows.map((x) => x.state), Array(TARGETS).fill('migrated'));
    await assertAtHeadOnce(urls);
  } finally {
    await state?.drop();
  }
});

test.run();
