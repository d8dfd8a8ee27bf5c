// Many databases in one command: `up --targets FILE`, `status --targets FILE` and
// `fleet resume RUN`. The work is src/fleet's; this module turns options into its calls, draws
// the progress line on a terminal and prints the per-target report.
import type { Argv } from 'yargs';
import type { Logger } from '../../runner/util/logger.js';
import { ExitStatus, UsageError } from '../../runner/util/errors.js';
import { addUrlSecret } from '../../runner/util/redact.js';
import { fleetStatus, runFleet, type FleetOptions, type FleetReport, type FleetStatus } from '../../fleet/fleet.js';
import type { TargetEntry } from '../../fleet/report.js';
import { parseDuration } from '../duration.js';
import type { Command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { json, out } from '../output.js';

/** --targets and --concurrency: shared by up, status and fleet resume. */
export function targetsOptions(y: Argv): Argv {
  return y
    .option('targets', { type: 'string', describe: 'Migrate (or look at) every database listed in FILE: one a line, "name url [schema=NAME]", # comments; or a JSON array of {name, url, schema?} (docs/fleet.md)' })
    .option('concurrency', { type: 'number', default: 4, describe: 'With --targets: how many databases at once' });
}

/** The options of a run that writes: up --targets and fleet resume. */
export function runOptions(y: Argv): Argv {
  return targetsOptions(y)
    .option('keep-going', { type: 'boolean', default: false, describe: 'With --targets: after a target fails, go on with the others (default: start no new one)' })
    .option('run', { type: 'string', describe: 'With --targets: the run id; an existing run is joined (default: a new id)' })
    .option('fleet-state', { type: 'string', describe: 'With --targets: keep the run record in this PostgreSQL database (postgres://…), shared by every process given the same --run [default: .pgstrata/fleet/RUN.json]' });
}

function concurrencyOf(a: Record<string, unknown>): number {
  const n = Number(a.concurrency);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--concurrency ${String(a.concurrency)}: a whole number from 1 to 1000`);
  return n;
}

/** One line on stderr, rewritten in place, only on a terminal. */
function progress(): Pick<FleetOptions, 'onProgress'> & { end(): void } {
  if (!process.stderr.isTTY) return { end() {} };
  let done = 0;
  let failed = 0;
  let total = 0;
  const running = new Set<string>();
  const draw = () => {
    const names = [...running].slice(0, 3).join(', ') + (running.size > 3 ? ', …' : '');
    const line = `[${done}/${total}] ${failed > 0 ? `${failed} failed, ` : ''}${running.size} running${names ? `: ${names}` : ''}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 80) - 1)}`);
  };
  return {
    onProgress({ name, outcome, total: all }) {
      total = all;
      if (!outcome) running.add(name);
      else {
        running.delete(name);
        done++;
        if (outcome.state === 'failed' || outcome.state === 'unreachable') failed++;
      }
      draw();
    },
    end: () => process.stderr.write('\r\x1b[K'),
  };
}

function entryLine(e: TargetEntry, width: number, stopped: boolean): string {
  const name = e.name.padEnd(width);
  const o = e.outcome;
  switch (e.state) {
    case 'migrated':
      return `  ${name}  migrated ${o?.applied.length ?? 0} (${o?.durationMs ?? 0} ms)`;
    case 'at-head':
      return `  ${name}  already at head`;
    case 'failed':
      return `  ${name}  FAILED: ${o?.error?.location ? `${o.error.location}: ` : ''}${o?.error?.sqlstate ? `ERROR ${o.error.sqlstate}: ` : ''}${o?.error?.message ?? ''}`;
    case 'unreachable':
      return `  ${name}  UNREACHABLE: ${o?.error?.message ?? ''}`;
    case 'running':
      return `  ${name}  running (claimed by ${e.claimedBy ?? 'another worker'})`;
    default:
      return `  ${name}  skipped${stopped ? ' (the run stopped after a failure)' : ''}`;
  }
}

function reportLines(r: FleetReport): string[] {
  const width = Math.min(40, Math.max(...r.targets.map((t) => t.name.length)));
  const c = r.counts;
  const lines = [`fleet run ${r.run} (${r.record}): ${r.targets.length} target${r.targets.length === 1 ? '' : 's'}`, ...r.targets.map((e) => entryLine(e, width, r.stopped))];
  lines.push(`migrated ${c.migrated}, already at head ${c.atHead}, failed ${c.failed}, unreachable ${c.unreachable}, skipped ${c.skipped}${c.running ? `, still running ${c.running}` : ''}`);
  if (!r.ok) lines.push(`To try the failed, unreachable and skipped targets again: pgstrata fleet resume ${r.run}${r.record.endsWith('.json') ? '' : ' --fleet-state URL'}`);
  return lines;
}

/** 0 when every target is at head; 1 when a migration failed or a target was not finished; 6 when the only trouble is unreachable targets. */
function statusOf(r: FleetReport): number {
  if (r.ok) return ExitStatus.ok;
  const c = r.counts;
  return c.failed === 0 && c.skipped === 0 && c.running === 0 ? ExitStatus.connect : ExitStatus.sqlFailed;
}

async function runAndPrint(a: Record<string, unknown>, opts: GlobalOptions, logger: Logger, resume: boolean): Promise<number> {
  if (opts.dryRun) throw new UsageError('--targets and --dry-run: look with `pgstrata status --targets FILE` instead');
  if (typeof a.fleetState === 'string') addUrlSecret(a.fleetState);
  const shown = progress();
  const report = await runFleet(
    a.targets as string | undefined,
    {
      dir: opts.dir,
      schema: opts.schema,
      table: opts.table,
      lockTimeoutMs: parseDuration('lock-timeout', opts.lockTimeout),
      allowDrift: opts.allowDrift,
      logger,
      concurrency: concurrencyOf(a),
      keepGoing: Boolean(a.keepGoing),
      ...(typeof a.run === 'string' ? { run: a.run } : {}),
      ...(typeof a.fleetState === 'string' ? { stateUrl: a.fleetState } : {}),
      ...(shown.onProgress ? { onProgress: shown.onProgress } : {}),
    },
    resume,
  ).finally(() => shown.end());
  if (opts.json) json({ ...report });
  else out(reportLines(report).join('\n'));
  return statusOf(report);
}

/** `up --targets FILE`: called by up when --targets is given. */
export function fleetUp(a: Record<string, unknown>, opts: GlobalOptions, logger: Logger): Promise<number> {
  if (a.sql || a.resume || a.from !== undefined) throw new UsageError('--targets runs every target up to its heads; --sql, --from and --resume go with one database (--url)');
  if (a.target !== 'heads') throw new UsageError(`--targets brings every target to heads; a target (${String(a.target)}) goes with one database (--url)`);
  return runAndPrint(a, opts, logger, false);
}

function statusLine(s: FleetStatus['targets'][number], width: number): string {
  const name = s.name.padEnd(width);
  if (!s.reachable) return `  ${name}  UNREACHABLE: ${s.error?.message ?? ''}`;
  if (s.error) return `  ${name}  ERROR: ${s.error.message}`;
  const notes = [s.pending > 0 ? `${s.pending} pending` : 'at head', s.drift > 0 ? `DRIFT ${s.drift}` : '', s.dirty > 0 ? `DIRTY ${s.dirty}` : ''].filter(Boolean);
  return `  ${name}  ${(s.current.join(',') || 'base').padEnd(14)}  ${notes.join(', ')}`;
}

/** `status --targets FILE`. Exit 0 when every target could be read, 6 when one could not. */
export async function fleetStatusCommand(a: Record<string, unknown>, opts: GlobalOptions, logger: Logger, history?: Parameters<typeof fleetStatus>[2]): Promise<number> {
  const report = await fleetStatus(
    String(a.targets),
    { dir: opts.dir, schema: opts.schema, table: opts.table, lockTimeoutMs: parseDuration('lock-timeout', opts.lockTimeout), allowDrift: opts.allowDrift, logger, concurrency: concurrencyOf(a) },
    history,
  );
  const c = report.counts;
  if (opts.json) json({ ok: c.unreachable === 0, ...report });
  else {
    const width = Math.min(40, Math.max(...report.targets.map((t) => t.name.length)));
    out([...report.targets.map((t) => statusLine(t, width)), `${c.targets} targets: ${c.atHead} at head, ${c.behind} behind, ${c.drift} with drift, ${c.dirty} dirty, ${c.unreachable} unreachable`].join('\n'));
  }
  return c.unreachable > 0 ? ExitStatus.connect : ExitStatus.ok;
}

export const fleetCommand: Command = {
  command: 'fleet <action> <run>',
  describe: 'Fleet runs (up --targets FILE): `fleet resume RUN` finishes a run after a crash or a failure, skipping targets that are done',
  builder: (y) =>
    runOptions(y.positional('action', { type: 'string', choices: ['resume'], describe: 'resume: try every target of the run not done yet' }).positional('run', { type: 'string', describe: 'the run id the report printed' }))
      .example('$0 fleet resume 20261206-193500-ab12', 'finish a local run (.pgstrata/fleet/<run>.json)')
      .example('$0 fleet resume nightly --fleet-state postgres://ops@db/ops', 'finish a shared run; run it on several machines at once'),
  ignores: ['url', 'dry-run'],
  run: (a, opts, logger) => runAndPrint(a, opts, logger, true),
};
