// The round trip on a server against the floor of the same work: one psql process running every
// revision's up, down and up again, each in its own transaction, on a fresh database. Three series,
// interleaved and rotated each round, each on a database created before its timer starts:
//   psql       — the floor: BEGIN; up; COMMIT; BEGIN; down; COMMIT; BEGIN; up; COMMIT per revision
//   roundtrip  — the library's round trip (snapshots before and after, compare, the runner's apply)
//   check-cli  — `pgstrata check --roundtrip --url`, as a user runs it: start-up, the static check,
//                creating and dropping its own scratch database included
// Goal (issue 10): roundtrip ≤ 2× psql.
//   node dist/bench/roundtrip-server.js [revisions=300] [rounds=5]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { roundtrip } from '../src/check/roundtrip/roundtrip.js';
import { openEngine } from '../src/runner/engines/open.js';
import { loadHistory } from '../src/runner/graph/history.js';
import { tempSql } from '../test/helpers/migrations.js';
import { createDatabase, SERVER_URL } from '../test/helpers/postgres.js';
import { generatedHistory } from './check-history.js';
import { report, rotated, timeProcess, type Series } from './lib.js';

const revisions = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 5);
// Debian's /usr/bin/psql is a Perl wrapper that adds ~55 ms per start (benchmarking.md).
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const CLI = new URL('../bin/pgstrata.js', import.meta.url).pathname;

const specs = generatedHistory(revisions);
const sql = tempSql(specs);
const script = join(sql.dir, 'roundtrip.psql');
const tx = (body: string) => `BEGIN;\n${body}\nCOMMIT;\n`;
writeFileSync(script, specs.map((m) => tx(m.up) + tx(m.down!) + tx(m.up)).join(''));
const history = loadHistory(sql.dir);

type Run = () => Promise<number>;
const onFreshDatabase = (work: (url: string) => Promise<number>): Run => async () => {
  const db = await createDatabase('pgstrata_bench_rt');
  try {
    return await work(db.url);
  } finally {
    await db.drop();
  }
};

const SERIES: Record<string, Run> = {
  psql: onFreshDatabase(async (url) => timeProcess(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, url])),
  roundtrip: onFreshDatabase(async (url) => {
    const engine = await openEngine(url, { lockTimeoutMs: 0 });
    try {
      const t = performance.now();
      const r = await roundtrip({ history, engine });
      const ms = performance.now() - t;
      if (r.checked !== revisions || r.findings.length > 0) throw new Error(`round trip: ${r.checked} checked, ${r.findings.length} findings`);
      return ms;
    } finally {
      await engine.close();
    }
  }),
  'check-cli': async () => timeProcess(process.execPath, [CLI, 'check', '--roundtrip', '--url', SERVER_URL, '--dir', sql.dir, '--json']),
};

try {
  const samples = new Map<string, number[]>(Object.keys(SERIES).map((k) => [k, []]));
  // One untimed round first: the first run after the server was idle is not like the rest.
  for (const run of Object.values(SERIES)) await run();
  for (let round = 0; round < rounds; round++) {
    for (const name of rotated(Object.keys(SERIES), round)) samples.get(name)!.push(await SERIES[name]!());
  }
  const series: Series[] = [...samples].map(([name, s]) => ({ name, samples: s }));
  console.log(report(`round trip of ${revisions} revisions on the server (${rounds} interleaved rounds after one warm-up round)`, series, 'psql'));
  const rt = samples.get('roundtrip')!;
  console.log(`\nper revision: roundtrip ${(rt.reduce((a, b) => a + b, 0) / rt.length / revisions).toFixed(1)} ms on average`);
} finally {
  sql.remove();
}
