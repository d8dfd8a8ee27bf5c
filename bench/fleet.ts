// A fleet of databases: `pgstrata up --targets FILE` at concurrency 1, 4 and 16 against the shell
// loop users write today, `while read name url; do pgstrata up --url "$url"; done`. Each run gets
// 200 fresh databases (created before its timer starts, dropped after), 20 migrations each; the
// four runners are interleaved and rotated. Prints databases per second and each one's ratio to
// the shell loop.
// Usage: node dist/bench/fleet.js   (BENCH_DATABASES=200 BENCH_MIGRATIONS=20 BENCH_ROUNDS=3)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, type TestDatabase } from '../test/helpers/postgres.js';
import { linearHistory, tempSql } from '../test/helpers/migrations.js';
import { machine, median, rotated, timeProcess } from './lib.js';

const DATABASES = Number(process.env.BENCH_DATABASES ?? 200);
const MIGRATIONS = Number(process.env.BENCH_MIGRATIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/pgstrata.js');

const sql = tempSql(linearHistory(MIGRATIONS));
const work = mkdtempSync(join(tmpdir(), 'pgstrata-bench-fleet-'));

/** Fresh databases, a few created at once; returns them and the targets file naming them. */
async function fleet(): Promise<{ dbs: TestDatabase[]; file: string }> {
  const dbs: TestDatabase[] = [];
  for (let i = 0; i < DATABASES; i += 4) dbs.push(...(await Promise.all(Array.from({ length: Math.min(4, DATABASES - i) }, () => createDatabase('pgstrata_bench_fleet')))));
  const file = join(work, 'targets.txt');
  writeFileSync(file, dbs.map((d) => `${d.name} ${d.url}`).join('\n') + '\n');
  return { dbs, file };
}

const runners: Array<{ name: string; run(file: string): number }> = [
  {
    name: 'shell loop',
    run: (file) => timeProcess('sh', ['-c', `while read name url; do "${process.execPath}" "${CLI}" up --url "$url" --dir "${sql.dir}" >/dev/null || exit 1; done < "${file}"`]),
  },
  ...[1, 4, 16].map((n) => ({
    name: `up --targets, concurrency ${n}`,
    run: (file: string) => timeProcess(process.execPath, [CLI, 'up', '--targets', file, '--dir', sql.dir, '--concurrency', String(n)], process.env, work),
  })),
];

const samples = new Map(runners.map((r) => [r.name, [] as number[]]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of rotated(runners, round)) {
      const { dbs, file } = await fleet();
      try {
        samples.get(r.name)!.push(r.run(file));
      } finally {
        for (const d of dbs) await d.drop();
      }
      process.stderr.write(`round ${round + 1}: ${r.name} done\n`);
    }
  }
  const base = samples.get('shell loop')!;
  const lines = [
    `### ${DATABASES} databases × ${MIGRATIONS} migrations (${ROUNDS} interleaved rounds)`,
    '',
    machine(),
    '',
    '| runner | median s | min | max | databases/s (median) | speed-up over the shell loop (median of pairs) | min | max |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runners) {
    const s = samples.get(r.name)!;
    const speedups = s.map((x, i) => base[i]! / x);
    lines.push(`| ${r.name} | ${(median(s) / 1000).toFixed(1)} | ${(Math.min(...s) / 1000).toFixed(1)} | ${(Math.max(...s) / 1000).toFixed(1)} | ${(DATABASES / (median(s) / 1000)).toFixed(1)} | ${median(speedups).toFixed(2)}× | ${Math.min(...speedups).toFixed(2)}× | ${Math.max(...speedups).toFixed(2)}× |`);
  }
  console.log(lines.join('\n'));
} finally {
  sql.remove();
  rmSync(work, { recursive: true, force: true });
}
