// Apply N generated small migrations to a fresh database: pgstrata, the floor and the peers,
// interleaved in one run, each run on its own database created before its timer starts.
import { createDatabase } from '../test/helpers/postgres.js';
import { contenders, dataset } from './contenders.js';
import { median, report, rotated, timeProcess, type Series } from './lib.js';

export async function applyBench(n = 1000, rounds = 5): Promise<string> {
  const data = dataset(n);
  try {
    const who = contenders(data);
    const series: Series[] = who.map((c) => ({ name: c.name, samples: [] }));
    for (let round = 0; round < rounds; round++) {
      for (const c of rotated(who, round)) {
        const db = await createDatabase('pgstrata_bench');
        try {
          const { cmd, args, env } = c.apply(db.url);
          const ms = timeProcess(cmd, args, env);
          series.find((s) => s.name === c.name)!.samples.push(ms);
          process.stderr.write(`apply ${n}, round ${round + 1}: ${c.name} ${ms.toFixed(0)} ms\n`);
        } finally {
          await db.drop();
        }
      }
    }
    const floor = median(series[0]!.samples);
    const perMigration = series.map((s) => `${s.name} ${(median(s.samples) / n).toFixed(2)} ms`).join(', ');
    return `${report(`apply ${n} migrations to a fresh database (${rounds} interleaved rounds)`, series, 'floor')}\n\nPer migration: ${perMigration} (floor ${(floor / n).toFixed(2)} ms).`;
  } finally {
    data.remove();
  }
}
