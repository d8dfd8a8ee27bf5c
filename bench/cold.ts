// Cold start: a process that prints help, and one that reports status against a server. Runs are
// interleaved; `node -e 0` shows what any Node tool pays before its first line runs.
import { spawnSync } from 'node:child_process';
import { createDatabase } from '../test/helpers/postgres.js';
import { CLI, dataset } from './contenders.js';
import { installPeers } from './peers.js';
import { report, rotated, timeProcess, type Series } from './lib.js';

export async function coldBench(rounds = 20): Promise<string> {
  const peers = installPeers();
  const node = process.execPath;
  const data = dataset(3);
  const pgDb = await createDatabase('pgstrata_bench');
  const dbmateDb = await createDatabase('pgstrata_bench');
  try {
    const up = spawnSync(node, [CLI, 'up', '--url', pgDb.url, '--dir', data.pgstrataDir], { encoding: 'utf8' });
    if (up.status !== 0) throw new Error(up.stderr);
    const dbmateUrl = `${dbmateDb.url}?sslmode=disable`;
    timeProcess(peers.dbmate, ['--url', dbmateUrl, '--migrations-dir', data.dbmateDir, '--no-dump-schema', 'migrate']);
    const help: Array<[string, string, string[]]> = [
      ['node -e 0', node, ['-e', '0']],
      ['pgstrata --help', node, [CLI, '--help']],
      ['dbmate --help (Go binary)', peers.dbmate, ['--help']],
      ['dbmate --help (npm wrapper, as npx runs it)', node, [peers.dbmateWrapper, '--help']],
      ['node-pg-migrate --help', node, [peers.nodePgMigrate, '--help']],
      ['postgres-migrations (import only; it has no CLI)', node, ['--input-type=module', '-e', "import 'postgres-migrations'; import 'pg';"]],
    ];
    const status: Array<[string, string, string[]]> = [
      ['pgstrata status', node, [CLI, 'status', '--url', pgDb.url, '--dir', data.pgstrataDir]],
      ['dbmate status', peers.dbmate, ['--url', dbmateUrl, '--migrations-dir', data.dbmateDir, 'status']],
    ];
    const cwd = peers.postgresMigrations.replace(/\/[^/]*$/, '');
    const measure = (cases: Array<[string, string, string[]]>): Series[] => {
      const series = cases.map(([name]) => ({ name, samples: [] as number[] }));
      for (let round = 0; round < rounds; round++) {
        for (const [name, cmd, args] of rotated(cases, round)) series.find((s) => s.name === name)!.samples.push(timeProcess(cmd, args, process.env, cwd));
      }
      return series;
    };
    return [
      report(`cold start: --help (${rounds} interleaved rounds)`, measure(help)),
      report(`cold start: status against the local server, 3 revisions (${rounds} interleaved rounds)`, measure(status)),
    ].join('\n\n');
  } finally {
    await pgDb.drop();
    await dbmateDb.drop();
    data.remove();
  }
}
