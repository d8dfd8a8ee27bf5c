// Apply N generated small migrations to a fresh database: pgstrata, the floor and the peers,
// interleaved in one run, each run on its own database created before its timer starts.
import { createDatabase } from '../test/helpers/postgres.js';
import { contenders, dataset } from './contenders.js';
import { median, report, rotated, timeProcess, type Series } from './lib.js';

export async function applyBench(n = 1000, rounds = 5): Promise<string> {
  const data = dataset(n);
  try {
    // BENCH_ONLY=floor,pgstrata narrows a run (e.g. for more rounds of the ratio that matters most)
    const only = process.env.BENCH_ONLY?.split(',');
    const who = contenders(data).filter((c) => !only || only.includes(c.name));
    const series: Series[] = who.map((c) => ({ name: c.name, samples: [] }));
    // One untimed round first: the first runs after the server has been idle are systematically
    // faster (seen here: 2.1 s against 4.4 s for the same floor), which would skew round 1's pairs.
    for (let round = -1; round < rounds; round++) {
      for (const c of rotated(who, Math.max(round, 0))) {
        const db = await createDatabase('pgstrata_bench');
        try {
          const { cmd, args, env } = c.apply(db.url);
          const ms = timeProcess(cmd, args, env);
          if (round >= 0) series.find((s) => s.name === c.name)!.samples.push(ms);
          process.stderr.write(`apply ${n}, ${round < 0 ? 'warm-up' : `round ${round + 1}`}: ${c.name} ${ms.toFixed(0)} ms\n`);
        } finally {
          await db.drop();
        }
      }
    }
    const floor = median(series[0]!.samples);
    const perMigration = series.map((s) => `${s.name} ${(median(s.samples) / n).toFixed(2)} ms`).join(', ');
    return `${report(`apply ${n} migrations to a fresh database (${rounds} interleaved rounds after one warm-up round)`, series, 'floor')}\n\nPer migration: ${perMigration} (floor ${(floor / n).toFixed(2)} ms).`;
  } finally {
    data.remove();
  }
}
