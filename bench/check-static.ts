// `pgstrata check` (static) over 1,000 generated revisions (2,000 files), as a user runs it: a
// fresh CLI process each time, timed from spawn to exit. Goal: 2 s.
//   node dist/bench/check-static.js [revisions] [runs]
import { spawnSync } from 'node:child_process';
import { CLI } from '../test/helpers/cli.js';
import { tempSql } from '../test/helpers/migrations.js';
import { generatedHistory, spread } from './check-history.js';
import { machine } from './lib.js';

const revisions = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 7);
const sql = tempSql(generatedHistory(revisions));
try {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'check', '--dir', sql.dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`check exited ${r.status}: ${r.stdout.slice(0, 2000)}${r.stderr}`);
    const doc = JSON.parse(r.stdout) as { files: number };
    if (doc.files !== revisions * 2) throw new Error(`checked ${doc.files} files`);
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  console.log(`check (static), ${revisions} revisions = ${revisions * 2} files, CLI process spawn to exit: ${spread(times, 'ms')}`);
  console.log(machine());
} finally {
  sql.remove();
}
