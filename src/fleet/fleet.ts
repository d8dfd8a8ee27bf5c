// A fleet run: open (or join, or resume) the run record, then a pool of workers claims targets
// from it and migrates each with the runner; the report is read back from the record, so it
// covers every target of the run, whichever process did it.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { openEngine } from '../runner/engines/open.js';
import { loadHistory } from '../runner/graph/history.js';
import { ConnectError, UsageError } from '../runner/util/errors.js';
import type { Logger } from '../runner/util/logger.js';
import { redactForeign } from '../runner/util/redact.js';
import { migrateTarget, targetStatus, type TargetOptions, type TargetStatus } from './migrate.js';
import { PgRecord } from './pgrecord.js';
import { FileRecord, notFound, type RunMeta, type RunRecord } from './record.js';
import { allDone, countStates, type Counts, type Outcome, type TargetEntry } from './report.js';
import { runPool } from './schedule.js';
import { readTargets, shownUrl, type Target } from './targets.js';

export interface FleetOptions extends Omit<TargetOptions, 'dir'> {
  dir: string;
  concurrency: number;
  keepGoing: boolean;
  /** The run's id; a new one is made when absent. */
  run?: string;
  /** A postgres:// URL holding the shared record; default a local file. */
  stateUrl?: string;
  /** Called as targets start and end, for a progress line. */
  onProgress?: (event: { name: string; outcome?: Outcome; total: number }) => void;
}

export interface FleetReport {
  run: string;
  record: string;
  /** True when a failure stopped the run before every target was started. */
  stopped: boolean;
  counts: Counts;
  targets: TargetEntry[];
  /** Every target migrated or already at head. */
  ok: boolean;
}

/** A run id people can type: when it started and a little randomness. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
}

const RUN_ID = /^[A-Za-z0-9_.-]{1,100}$/;

async function openRecord(id: string, stateUrl: string | undefined, logger: Logger): Promise<RunRecord> {
  if (!RUN_ID.test(id)) throw new UsageError(`run id "${id}": use 1-100 letters, digits, _ . or -`);
  if (stateUrl === undefined) return FileRecord.at(id);
  if (!/^postgres(ql)?:\/\//.test(stateUrl)) throw new UsageError('--fleet-state takes a postgres:// URL (the record is a table, shared by every process of the run)');
  const engine = await openEngine(stateUrl, { lockTimeoutMs: 0 }).catch((e: unknown) => {
    throw e instanceof ConnectError ? e : new ConnectError(`cannot connect to the fleet state database: ${redactForeign((e as Error).message)}`, { cause: e });
  });
  return new PgRecord(id, engine, logger);
}

/** The meta a resumed run was started with. */
async function storedMeta(record: RunRecord, id: string, stateUrl: string | undefined): Promise<RunMeta> {
  if (record instanceof PgRecord) return record.readMeta();
  const meta = FileRecord.readMeta(id);
  if (!meta) throw notFound(id, stateUrl ?? 'the local records (.pgstrata/fleet/)');
  return meta;
}

/**
 * `up --targets FILE` (resume false: start the run, or join it when the id exists) and
 * `fleet resume RUN` (resume true: failed, unreachable and skipped targets are tried again).
 * `targetsFile` may be omitted on resume: the run's own file is read again. A resumed run uses the
 * migrations folder, schema and table it was started with.
 */
export async function runFleet(targetsFile: string | undefined, options: FleetOptions, resume = false): Promise<FleetReport> {
  const id = options.run ?? newRunId();
  if (resume && options.run === undefined) throw new UsageError('fleet resume needs the run id');
  const record = await openRecord(id, options.stateUrl, options.logger);
  try {
    const earlier = resume ? await storedMeta(record, id, options.stateUrl) : undefined;
    const file = targetsFile ?? earlier?.targetsFile;
    if (!file) throw new UsageError('--targets FILE is required');
    const targets = readTargets(file);
    // A resumed run keeps the migrations and the version table it was started with.
    const { dir, schema, table } = earlier ?? options;
    // Invalid migration files stop the whole fleet before any target is touched.
    loadHistory(dir);
    const meta: RunMeta = { targetsFile: resolve(file), dir: resolve(dir), schema, table, createdAt: new Date().toISOString() };
    await record.open({ targets: targets.map((t) => ({ name: t.name, url: shownUrl(t), ...(t.schema ? { schema: t.schema } : {}) })), meta, retry: resume });
    const byName = new Map(targets.map((t) => [t.name, t]));
    const names = targets.map((t) => t.name);
    const targetOptions: TargetOptions = { ...options, dir, schema, table };
    const pool = await runPool<Target, Outcome>({
      concurrency: options.concurrency,
      keepGoing: options.keepGoing,
      next: async () => {
        const n = await record.claim(names);
        return 'item' in n ? { item: byName.get(n.item)! } : n;
      },
      work: async (t) => {
        options.onProgress?.({ name: t.name, total: targets.length });
        const outcome = await migrateTarget(t, targetOptions);
        if (!(await record.finish(t.name, outcome))) {
          options.logger.warn({ event: 'fleet-claim-lost', target: t.name }, `${t.name}: another worker took this target over while it ran (its heartbeat was late); its record is theirs`);
        }
        options.onProgress?.({ name: t.name, outcome, total: targets.length });
        return outcome;
      },
      failed: (o) => o.state === 'failed' || o.state === 'unreachable',
      onStop: () => record.stop(),
    });
    const entries = await record.entries();
    return { run: id, record: record.where, stopped: pool.stopped || entries.some((e) => e.state === 'pending'), counts: countStates(entries), targets: entries, ok: allDone(entries) };
  } finally {
    await record.close();
  }
}

export interface FleetStatus {
  targets: TargetStatus[];
  counts: { targets: number; atHead: number; behind: number; drift: number; dirty: number; unreachable: number };
}

/** `status --targets FILE`: where every target stands, read in parallel, nothing written. */
export async function fleetStatus(targetsFile: string, options: TargetOptions & { concurrency: number }, history = loadHistory(options.dir)): Promise<FleetStatus> {
  const targets = readTargets(targetsFile);
  const queue = [...targets.entries()];
  const results: TargetStatus[] = new Array(targets.length);
  await runPool<[number, Target], TargetStatus>({
    concurrency: options.concurrency,
    keepGoing: true,
    next: async () => {
      const item = queue.shift();
      return item ? { item } : { done: true };
    },
    work: async ([i, t]) => (results[i] = await targetStatus(t, shownUrl(t), history, options)),
    failed: () => false,
  });
  const reachable = results.filter((r) => r.reachable && !r.error);
  return {
    targets: results,
    counts: {
      targets: results.length,
      atHead: reachable.filter((r) => r.pending === 0).length,
      behind: reachable.filter((r) => r.pending > 0).length,
      drift: reachable.filter((r) => r.drift > 0).length,
      dirty: reachable.filter((r) => r.dirty > 0).length,
      unreachable: results.filter((r) => !r.reachable).length,
    },
  };
}
