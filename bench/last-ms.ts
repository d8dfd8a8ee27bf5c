// The four start-up-bound comparisons of issue 9 ("the last milliseconds"), side by side in one
// run: every case of a round runs before the next round starts, in an order rotated each round,
// and each comparison is the median of its pairs' ratios within a round. One untimed round first.
// Usage: node dist/bench/last-ms.js [rounds=11]   (prints markdown for docs/benchmarks.md)
import { spawnSync } from 'node:child_process';
import { createDatabase, type TestDatabase } from '../test/helpers/postgres.js';
import { linearHistory, tempSql } from '../test/helpers/migrations.js';
import { CLI, FLOOR, NOOP_FLOOR, type Command } from './contenders.js';
import { machine, median, report, rotated, timeProcess, type Series } from './lib.js';

const rounds = Number(process.argv[2] ?? 11);
const node = process.execPath;

interface Case {
  name: string;
  /** Untimed: what the run needs (a fresh database), and how to clean up after it. */
  prepare(): Promise<{ command: Command; done?: () => Promise<void> }>;
}

const noopData = tempSql(linearHistory(10_000));
const applyData = tempSql(linearHistory(300));
const statusData = tempSql(linearHistory(3));
const dbs: TestDatabase[] = [];

async function databaseAt(dir: string, how: 'up' | 'stamp'): Promise<string> {
  const db = await createDatabase('pgstrata_bench');
  dbs.push(db);
  const args = how === 'up' ? ['up'] : ['stamp', 'heads'];
  const r = spawnSync(node, [CLI, ...args, '--url', db.url, '--dir', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return db.url;
}

/** A fresh database per run, created before the timer starts and dropped after it stops. */
function onFreshDatabase(name: string, command: (url: string) => Command): Case {
  return {
    name,
    async prepare() {
      const db = await createDatabase('pgstrata_bench');
      return { command: command(db.url), done: () => db.drop() };
    },
  };
}

const fixed = (name: string, cmd: string, args: string[]): Case => ({ name, prepare: async () => ({ command: { cmd, args } }) });

try {
  // stamp writes the same version rows as applying, without creating 10,000 tables first.
  const noopUrl = await databaseAt(noopData.dir, 'stamp');
  const statusUrl = await databaseAt(statusData.dir, 'up');
  const comparisons: Array<{ title: string; target: number; baseline: Case; subject: Case }> = [
    {
      title: 'no-op `up` at head, 10,000 revisions, against the no-op floor (read and hash every up file, one query)',
      target: 1.2,
      baseline: fixed('no-op floor 10k', node, [NOOP_FLOOR, noopUrl, noopData.dir]),
      subject: fixed('pgstrata up at head 10k', node, [CLI, 'up', '--url', noopUrl, '--dir', noopData.dir]),
    },
    {
      title: 'applying 300 small migrations to a fresh database, against the one-round-trip floor',
      target: 1.1,
      baseline: onFreshDatabase('apply floor 300', (url) => ({ cmd: node, args: [FLOOR, url, applyData.dir] })),
      subject: onFreshDatabase('pgstrata up 300', (url) => ({ cmd: node, args: [CLI, 'up', '--url', url, '--dir', applyData.dir] })),
    },
    {
      title: '`--help` against `node -e 0`',
      target: 1.3,
      baseline: fixed('node -e 0', node, ['-e', '0']),
      subject: fixed('pgstrata --help', node, [CLI, '--help']),
    },
    {
      title: '`status` against the local server (3 revisions, at head) against `node -e 0`',
      target: 1.6,
      baseline: fixed('node -e 0', node, ['-e', '0']),
      subject: fixed('pgstrata status', node, [CLI, 'status', '--url', statusUrl, '--dir', statusData.dir]),
    },
  ];
  // `node -e 0` is one case shared by two comparisons.
  const cases = [...new Map(comparisons.flatMap((c) => [c.baseline, c.subject]).map((c) => [c.name, c])).values()];
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const startedAt = machine();
  for (let round = -1; round < rounds; round++) {
    for (const c of rotated(cases, Math.max(round, 0))) {
      const { command, done } = await c.prepare();
      try {
        const ms = timeProcess(command.cmd, command.args, command.env);
        if (round >= 0) samples.get(c.name)!.push(ms);
      } finally {
        await done?.();
      }
    }
    process.stderr.write(`last-ms: ${round < 0 ? 'warm-up' : `round ${round + 1} of ${rounds}`} done\n`);
  }
  const summary = ['| comparison | target | median of pairs | min | max | met? |', '|---|---|---|---|---|---|'];
  const tables: string[] = [];
  for (const c of comparisons) {
    const base = samples.get(c.baseline.name)!;
    const ratios = samples.get(c.subject.name)!.map((x, i) => x / base[i]!);
    const m = median(ratios);
    summary.push(`| ${c.subject.name} / ${c.baseline.name} | ≤ ${c.target.toFixed(2)}× | ${m.toFixed(3)} | ${Math.min(...ratios).toFixed(3)} | ${Math.max(...ratios).toFixed(3)} | ${m <= c.target ? 'met' : '**not met**'} |`);
    const series: Series[] = [c.baseline, c.subject].map((x) => ({ name: x.name, samples: samples.get(x.name)! }));
    tables.push(report(`${c.title} (${rounds} interleaved rounds)`, series, c.baseline.name));
  }
  console.log(`### the last milliseconds: ${rounds} interleaved rounds after one warm-up round\n\nAt the start: ${startedAt}; at the end: ${machine()}\n\n${summary.join('\n')}\n\n${tables.join('\n\n')}`);
} finally {
  for (const db of dbs) await db.drop();
  noopData.remove();
  applyData.remove();
  statusData.remove();
}
