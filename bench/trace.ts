// trace's cost: per statement against a plain `up` of the same revisions, and for a whole
// history against a plain round trip (`check --roundtrip`). Interleaved rounds, each series in
// a fresh schema (PGlite) or a fresh database (server); medians, spread and pairwise ratios.
//   node dist/bench/trace.js [revisions=300] [rounds=5] [pglite|server]
import { PGlite } from '@electric-sql/pglite';
import { runStep } from '../src/runner/apply/apply.js';
import { upStep } from '../src/runner/apply/steps.js';
import { roundtrip } from '../src/check/roundtrip/roundtrip.js';
import type { Engine } from '../src/runner/engines/engine.js';
import { openEngine } from '../src/runner/engines/open.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { loadHistory, type History } from '../src/runner/graph/history.js';
import { silentLogger } from '../src/runner/util/logger.js';
import { Store } from '../src/runner/store/store.js';
import { traceHistory } from '../src/trace/trace.js';
import { tempSql } from '../test/helpers/migrations.js';
import { createDatabase } from '../test/helpers/postgres.js';
import { generatedHistory } from './check-history.js';
import { report, rotated, type Series } from './lib.js';

const revisions = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 5);
const where = process.argv[4] === 'server' ? 'server' : 'pglite';

type Work = (engine: Engine, url: string | undefined, history: History) => Promise<void>;

const SERIES: Record<string, Work> = {
  up: async (engine, _url, history) => {
    const store = new Store(engine, { schema: 'public', table: 'pgstrata_version' });
    await store.ensure();
    for (const r of history.graph.order) await runStep({ engine, logger: silentLogger }, upStep(history.migrations.get(r)!, undefined, store));
  },
  trace: async (engine, url, history) => {
    const r = await traceHistory({ history, engine, ...(url ? { url } : {}) });
    if (r.migrations.length !== revisions || r.migrations.some((m) => m.failed)) throw new Error('trace did not trace every revision');
  },
  roundtrip: async (engine, _url, history) => {
    const r = await roundtrip({ history, engine });
    if (r.checked !== revisions) throw new Error(`round trip checked ${r.checked}`);
  },
};

const sql = tempSql(generatedHistory(revisions));
const statements = (await Promise.all([...loadHistory(sql.dir).migrations.values()].map(async (m) => (await import('../src/trace/execute.js')).splitMigration(m)))).reduce((n, s) => n + s.length, 0);
const db = where === 'pglite' ? await PGlite.create() : undefined;
try {
  const history = loadHistory(sql.dir);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(SERIES).map((k) => [k, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const name of rotated(Object.keys(SERIES), round)) {
      let engine: Engine;
      let done: () => Promise<void>;
      let url: string | undefined;
      if (db) {
        const schema = `run_${round}_${name}`;
        await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
        engine = PGliteEngine.fromInstance(db);
        done = async () => void (await db.exec(`RESET search_path; DROP SCHEMA ${schema} CASCADE; DROP SCHEMA IF EXISTS pgstrata_check CASCADE; DROP TABLE IF EXISTS public.pgstrata_version, public.pgstrata_version_log`));
      } else {
        const fresh = await createDatabase('pgstrata_bench');
        url = fresh.url;
        engine = await openEngine(fresh.url, { lockTimeoutMs: 0 });
        done = async () => (await engine.close(), await fresh.drop());
      }
      const t = performance.now();
      await SERIES[name]!(engine, url, history);
      const ms = performance.now() - t;
      await done();
      if (round > 0) samples[name]!.push(ms); // round 0 warms caches
    }
  }
  const series: Series[] = Object.entries(samples).map(([name, s]) => ({ name, samples: s }));
  console.log(report(`trace on ${where}: ${revisions} revisions, ${statements} statements`, series, 'roundtrip'));
  const perStatement = (name: string) => samples[name]!.map((x) => x / statements);
  const overhead = perStatement('trace').map((x, i) => x - perStatement('up')[i]!);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`\ntrace per statement: ${med(perStatement('trace')).toFixed(2)} ms; plain up per statement: ${med(perStatement('up')).toFixed(2)} ms; trace's own cost per statement (pairwise): ${med(overhead).toFixed(2)} ms (min ${Math.min(...overhead).toFixed(2)}, max ${Math.max(...overhead).toFixed(2)})`);
  const ratios = samples.trace!.map((x, i) => x / samples.up![i]!);
  console.log(`trace / up (median of pairs): ${med(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`);
} finally {
  await db?.close();
  sql.remove();
}
