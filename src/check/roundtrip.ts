// The round trip: on a scratch database, for each revision in graph order, snapshot the schema,
// run its up, run its down, compare, and run the up again to go on. Steps go through runStep,
// the runner's own apply path, so what is checked is what `up` and `down` will do.
import { runStep } from '../runner/apply.js';
import type { Engine } from '../runner/engines/engine.js';
import { MigrationError, SourceError } from '../runner/errors.js';
import type { History } from '../runner/history.js';
import { silentLogger, type Logger } from '../runner/logger.js';
import { readDown, type DownScript } from '../runner/source.js';
import { quoteIdent } from '../runner/sqlstring.js';
import { downStep, upStep, type StepScript } from '../runner/steps.js';
import { Store } from '../runner/store.js';
import { compareSnapshots, type Difference } from './diff.js';
import { finding, type Finding } from './findings.js';
import { Snapshotter } from './snapshot.js';

export type Phase = 'up' | 'down' | 'up again';

export interface RoundtripOptions {
  history: History;
  engine: Engine;
  logger?: Logger;
  /** Where the version table goes; left out of snapshots and dropped at the end. */
  schema?: string;
  onProgress?(p: { index: number; total: number; revision: string; phase: Phase }): void;
}

export interface RoundtripResult {
  findings: Finding[];
  /** Revisions whose up and down both ran. */
  checked: number;
  /** Revisions not run, and why. */
  skipped: { revision: string; reason: string }[];
}

function differenceFinding(d: Difference, revision: string, down: DownScript): Finding {
  const what = `${d.kind} ${d.name}`;
  const fix: Record<Difference['change'], string | undefined> = {
    left: `The down must remove what the up created: drop ${what} in ${down.file}.`,
    removed: `The down must restore ${what} as it was before the up, and drop nothing the up did not create.`,
    changed: `The down must restore ${what} exactly as it was before the up.`,
    order: undefined,
  };
  return finding(d.change === 'order' ? 'roundtrip-column-order' : 'roundtrip-difference', { file: down.file }, `${d.message} (revision ${revision})`, { fix: fix[d.change], revision });
}

export async function roundtrip(options: RoundtripOptions): Promise<RoundtripResult> {
  const { history, engine } = options;
  const logger = options.logger ?? silentLogger;
  const schema = options.schema ?? 'pgstrata_check';
  const store = new Store(engine, { schema, table: 'pgstrata_version' });
  await store.ensure();
  const snapshots = new Snapshotter(engine, schema);
  const findings: Finding[] = [];
  const skipped: RoundtripResult['skipped'] = [];
  const blocked = new Set<string>();
  let checked = 0;

  /** Runs a step; a failure becomes a finding and returns false. */
  const attempt = async (step: StepScript, phase: Phase, quiet = false): Promise<boolean> => {
    try {
      await runStep({ engine, logger }, step);
      return true;
    } catch (e) {
      if (!(e instanceof MigrationError)) throw e;
      if (quiet) return false;
      const again = phase === 'up again' ? ' when run again after its down' : '';
      const code = e.db.sqlstate ? ` ${e.db.sqlstate}` : '';
      findings.push(finding('roundtrip-failed', e.location, `${phase === 'down' ? 'down' : 'up'} of ${step.revision} failed${again}: ERROR${code}: ${e.db.message}`, { revision: step.revision }));
      return false;
    }
  };

  const order = history.graph.order;
  try {
    for (const [index, revision] of order.entries()) {
      const m = history.migrations.get(revision)!;
      const progress = (phase: Phase) => options.onProgress?.({ index, total: order.length, revision, phase });
      const stuck = history.graph.parents(revision).find((p) => blocked.has(p));
      if (stuck) {
        blocked.add(revision);
        skipped.push({ revision, reason: `its parent ${stuck} could not be applied` });
        continue;
      }
      let down: DownScript | undefined;
      try {
        down = readDown(m);
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        blocked.add(revision);
        skipped.push({ revision, reason: `its down file is invalid: ${e.problems[0]?.message ?? e.message}` });
        continue;
      }
      const before = await snapshots.take();
      progress('up');
      if (!(await attempt(upStep(m, down, store), 'up'))) {
        blocked.add(revision);
        continue;
      }
      if (!down) {
        skipped.push({ revision, reason: 'declared irreversible: its up ran, there is no down to check' });
        continue;
      }
      progress('down');
      if (!(await attempt(downStep(revision, down, m, store), 'down'))) {
        if (down.transactional) continue; // rolled back: the revision is still applied, go on
        for (const r of order.slice(index + 1)) skipped.push({ revision: r, reason: `the down of ${revision} failed outside a transaction, so the schema is unknown` });
        break;
      }
      const after = await snapshots.take();
      const differences = compareSnapshots(before, after);
      findings.push(...differences.map((d) => differenceFinding(d, revision, down)));
      checked++;
      progress('up again');
      // After an incomplete down the up usually fails again ("already exists"): that failure
      // only repeats the differences just reported, so it is not reported twice.
      const hard = differences.some((d) => d.change !== 'order');
      if (!(await attempt(upStep(m, down, store), 'up again', hard))) blocked.add(revision);
    }
  } finally {
    await snapshots.close();
    await engine.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => {});
  }
  return { findings, checked, skipped };
}
