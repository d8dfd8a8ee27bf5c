// `check --roundtrip` on PGlite, per revision, once PGlite has started (start-up is timed
// apart). Each run round-trips the same generated history in a fresh schema of one shared
// PGlite instance. Goal: 30 ms per revision.
//   node dist/bench/check-roundtrip.js [revisions] [runs]
import { PGlite } from '@electric-sql/pglite';
import { roundtrip } from '../src/check/roundtrip/roundtrip.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { loadHistory } from '../src/runner/graph/history.js';
import { tempSql } from '../test/helpers/migrations.js';
import { generatedHistory, spread } from './check-history.js';
import { machine } from './lib.js';

const revisions = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 5);
const sql = tempSql(generatedHistory(revisions));
try {
  const history = loadHistory(sql.dir);
  const started = performance.now();
  const db = await PGlite.create();
  const startup = performance.now() - started;
  const engine = PGliteEngine.fromInstance(db);
  const perRevision: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    await db.exec(`CREATE SCHEMA run_${i}; SET search_path TO run_${i}`);
    const t = performance.now();
    const r = await roundtrip({ history, engine });
    const ms = performance.now() - t;
    if (r.findings.length > 0 || r.checked !== revisions) throw new Error(`unexpected: ${JSON.stringify(r.findings.slice(0, 3))}, ${r.checked} checked`);
    await db.exec(`RESET search_path; DROP SCHEMA run_${i} CASCADE`);
    if (i > 0) perRevision.push(ms / revisions); // the first run warms PGlite's caches
  }
  console.log(`check --roundtrip on PGlite, ${revisions} revisions (snapshot, up, down, snapshot, compare, up again): ${spread(perRevision, 'ms per revision', 1)}`);
  console.log(`PGlite start-up (once per run of check): ${startup.toFixed(0)} ms`);
  console.log(machine());
  await db.close();
} finally {
  sql.remove();
}
