// Apply 1,000 generated small migrations to a fresh database: pgstrata's CLI against the floor,
// interleaved, a fresh database per run created before the timer starts.
// Usage: node dist/bench/apply.js [migrations=1000] [rounds=5]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '../test/helpers/postgres.js';
import { linearHistory, tempSql } from '../test/helpers/migrations.js';
import { median, report, timeProcess, type Series } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../src/cli.js');
const FLOOR = resolve(here, 'floor.js');
const n = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 5);

const sql = tempSql(linearHistory(n));
const floor: Series = { name: 'floor (1 round trip per migration)', samples: [] };
const pgstrata: Series = { name: 'pgstrata up', samples: [] };
try {
  for (let round = 0; round < rounds; round++) {
    // alternate who goes first, so drift in the machine does not favour one side
    const order = round % 2 === 0 ? [floor, pgstrata] : [pgstrata, floor];
    for (const s of order) {
      const db = await createDatabase('pgstrata_bench');
      try {
        const ms = s === floor ? timeProcess(process.execPath, [FLOOR, db.url, sql.dir]) : timeProcess(process.execPath, [CLI, 'up', '--url', db.url, '--dir', sql.dir]);
        s.samples.push(ms);
        process.stderr.write(`round ${round + 1}: ${s.name} ${ms.toFixed(0)} ms\n`);
      } finally {
        await db.drop();
      }
    }
  }
  console.log(report(`apply ${n} migrations (${rounds} interleaved rounds)`, [floor, pgstrata], floor.name));
  console.log(`\nper migration: floor ${(median(floor.samples) / n).toFixed(2)} ms, pgstrata ${(median(pgstrata.samples) / n).toFixed(2)} ms`);
  console.log(`command: node dist/bench/apply.js ${n} ${rounds}   (sql dir ${join(sql.dir)})`);
} finally {
  sql.remove();
}
