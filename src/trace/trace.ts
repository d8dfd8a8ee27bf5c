// `pgstrata trace` as a library call: pick the revisions (the pending ones, up to a target, as
// `up` plans them), open a scratch database, bring it to where they start, and trace each one.
// The real database is never written to: with a server, trace runs on a template copy of it;
// without one, on the in-memory PGlite the round trip uses.
import { runStep } from '../runner/apply/apply.js';
import { settings, upStep } from '../runner/apply/steps.js';
import type { Engine } from '../runner/engines/engine.js';
import { fileOf, findDrift, loadHistory, type History } from '../runner/graph/history.js';
import { planUp } from '../runner/graph/plan.js';
import { resolveRevision } from '../runner/graph/target.js';
import { readDown } from '../runner/source/source.js';
import { splitRows, Store } from '../runner/store/store.js';
import { silentLogger, type Logger } from '../runner/util/logger.js';
import { openScratch, type Scratch } from '../check/roundtrip/scratch.js';
import { databaseOf, openTemplateCopy } from './copy.js';
import { backendPid } from './observe.js';
import { traceMigration, type TraceContext } from './execute.js';
import type { TraceReport } from './report.js';
import { LockSampler } from './sampler.js';

export type { TraceReport, MigrationTrace, StatementTrace, HeldLock, TakenLock } from './report.js';

export interface TraceHistoryOptions {
  history: History;
  /** The scratch database: it is changed (every traced migration commits there). */
  engine: Engine;
  /** The scratch database's URL on a server, for the second connection that watches statements outside a transaction. */
  url?: string;
  /** As `up` takes it; default heads. */
  target?: string;
  /** Apply this revision and its ancestors first, untraced: the trace starts after it. */
  after?: string;
  /** The version table the scratch database has (a copy of the user's): what is applied there. */
  schema?: string;
  table?: string;
  logger?: Logger;
  onMigration?(revision: string, index: number, total: number): void;
}

export interface TraceOptions extends Omit<TraceHistoryOptions, 'history' | 'engine' | 'url'> {
  dir: string;
  /** postgres://… : trace on a template copy of that database; otherwise an in-memory PGlite. */
  url?: string;
}

export async function runTrace(o: TraceOptions): Promise<TraceReport> {
  const history = loadHistory(o.dir);
  // Any --url is a database to copy: a pglite: one is refused with a message, not silently ignored.
  const scratch: Scratch = o.url ? await openTemplateCopy(o.url) : await openScratch(undefined);
  try {
    const { dir: _dir, url: _url, ...rest } = o;
    const report = await traceHistory({ ...rest, history, engine: scratch.engine, ...(scratch.url ? { url: scratch.url } : {}) });
    return o.url && scratch.url ? { ...report, copyOf: databaseOf(o.url) } : report;
  } finally {
    await scratch.dispose();
  }
}

export async function traceHistory(o: TraceHistoryOptions): Promise<TraceReport> {
  const { history, engine } = o;
  const logger = o.logger ?? silentLogger;
  const store = new Store(engine, { schema: o.schema ?? 'public', table: o.table ?? 'pgstrata_version' });
  const marks = (await store.readMarks()) ?? [];
  const { applied, dirty } = splitRows(marks);
  for (const d of dirty) logger.warn({ event: 'dirty', revision: d.revision }, `${d.revision} stopped part-way in the database; trace counts it as not applied`);
  for (const d of findDrift(history, applied)) logger.warn({ event: 'drift', ...d }, `${d.file}: applied revision ${d.revision} ${d.kind === 'changed' ? 'changed since it ran' : 'has no file'}; trace starts from the schema it built then`);
  const done = new Set(applied.map((r) => r.revision));
  const graph = history.graph;

  // The revisions the trace starts after: applied untraced, through the runner's own path.
  const prepared = o.after === undefined ? [] : graph.sort([...graph.ancestors([resolveRevision(graph, o.after)]), resolveRevision(graph, o.after)].filter((r) => !done.has(r)));
  if (prepared.length > 0) await store.ensure();
  for (const r of prepared) {
    const m = history.migrations.get(r)!;
    await runStep({ engine, logger }, upStep(m, m.irreversible ? undefined : safeDown(m), store));
    done.add(r);
  }

  const steps = planUp(graph, done, o.target ?? 'heads', (r) => fileOf(history, r));
  const migrations = steps.map((s) => history.migrations.get(s.revision)!);
  const ctx: TraceContext = { engine };
  let sampler: LockSampler | undefined;
  if (o.url && migrations.some((m) => !m.transactional)) {
    sampler = await LockSampler.open(o.url);
    ctx.sampler = sampler;
    ctx.pid = await backendPid(engine);
  }
  const report: TraceReport = { database: engine.description, prepared, migrations: [], notRun: [] };
  try {
    for (const [i, m] of migrations.entries()) {
      o.onMigration?.(m.revision, i, migrations.length);
      const t = await traceMigration(ctx, m, settings(upStep(m, undefined, store), true));
      report.migrations.push(t);
      if (t.failed) {
        report.notRun = migrations.slice(i + 1).map((x) => x.revision);
        break;
      }
    }
  } finally {
    await sampler?.close().catch(() => {});
  }
  return report;
}

/** The down file, when it reads; the version row only stores it. */
function safeDown(m: Parameters<typeof readDown>[0]) {
  try {
    return readDown(m);
  } catch {
    return undefined;
  }
}
export { traceFindings } from './rules.js';
export { renderTrace } from './render.js';
