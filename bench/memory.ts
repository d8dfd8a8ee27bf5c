// Peak resident memory of pgstrata with 10,000 revisions on disk: applying them all to a fresh
// database, a no-op up at head, and status. GNU time reports the peak of each process.
import { createDatabase } from '../test/helpers/postgres.js';
import { linearHistory, tempSql } from '../test/helpers/migrations.js';
import { CLI } from './contenders.js';
import { machine, median, peakRssMb } from './lib.js';

export async function memoryBench(n = 10_000, rounds = 3): Promise<string> {
  const sql = tempSql(linearHistory(n));
  const db = await createDatabase('pgstrata_bench');
  const node = process.execPath;
  try {
    const base = ['--url', db.url, '--dir', sql.dir];
    const apply = peakRssMb(node, [CLI, 'up', ...base]);
    const noop: number[] = [];
    const status: number[] = [];
    for (let i = 0; i < rounds; i++) {
      noop.push(peakRssMb(node, [CLI, 'up', ...base]));
      status.push(peakRssMb(node, [CLI, 'status', ...base]));
    }
    const idle = peakRssMb(node, ['-e', '0']);
    return [
      `### peak RSS with ${n.toLocaleString('en')} revisions`,
      '',
      machine(),
      '',
      '| run | peak RSS MB (median) | runs |',
      '|---|---|---|',
      `| node -e 0 | ${idle.toFixed(0)} | 1 |`,
      `| up: apply all ${n.toLocaleString('en')} to a fresh database | ${apply.toFixed(0)} | 1 |`,
      `| up at head (no-op) | ${median(noop).toFixed(0)} | ${rounds} |`,
      `| status | ${median(status).toFixed(0)} | ${rounds} |`,
    ].join('\n');
  } finally {
    await db.drop();
    sql.remove();
  }
}
