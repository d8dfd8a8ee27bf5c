// `up` again at head: every tool reads its files and its history table and finds nothing to do.
// Each tool gets one database brought to head before any timer starts; runs are interleaved.
import { spawnSync } from 'node:child_process';
import { createDatabase, type TestDatabase } from '../test/helpers/postgres.js';
import { CLI, contenders, dataset, NOOP_FLOOR, type Command, type Contender } from './contenders.js';
import { report, rotated, timeProcess, type Series } from './lib.js';

export async function noopBench(n: number, rounds: number, onlyPgstrata = false): Promise<string> {
  const data = dataset(n);
  const dbs: TestDatabase[] = [];
  try {
    const who = contenders(data).filter((c): c is Contender & Required<Pick<Contender, 'noop'>> => c.noop !== undefined && (!onlyPgstrata || c.name === 'pgstrata'));
    const ready = new Map<string, string>();
    for (const c of who) {
      const db = await createDatabase('pgstrata_bench');
      dbs.push(db);
      if (c.name === 'pgstrata' && n > 2000) {
        // stamp writes the same version rows as applying, without creating 10,000 tables first
        const r = spawnSync(process.execPath, [CLI, 'stamp', 'heads', '--url', db.url, '--dir', data.pgstrataDir], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
      } else {
        const { cmd, args, env } = c.apply(db.url);
        timeProcess(cmd, args, env);
      }
      ready.set(c.name, db.url);
      process.stderr.write(`no-op ${n}: ${c.name} is at head\n`);
    }
    // The floor reads pgstrata's version table: the same rows, never written.
    const floor = { name: 'floor', noop: (url: string): Command => ({ cmd: process.execPath, args: [NOOP_FLOOR, url, data.pgstrataDir] }) };
    ready.set('floor', ready.get('pgstrata')!);
    const runs = [floor, ...who];
    const series: Series[] = runs.map((c) => ({ name: c.name, samples: [] }));
    for (let round = 0; round < rounds; round++) {
      for (const c of rotated(runs, round)) {
        const { cmd, args, env } = c.noop(ready.get(c.name)!);
        series.find((s) => s.name === c.name)!.samples.push(timeProcess(cmd, args, env));
      }
    }
    return report(`no-op \`up\` at head with ${n.toLocaleString('en')} revisions on disk (${rounds} interleaved rounds)`, series, 'floor');
  } finally {
    for (const db of dbs) await db.drop();
    data.remove();
  }
}
