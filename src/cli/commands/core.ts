// The commands that run, revert, record and scaffold migrations: up, down, redo, status, current,
// new, stamp.
import type { Argv } from 'yargs';
import type { Logger } from '../../runner/util/logger.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultParents, writeRevision } from '../../runner/commands/scaffold.js';
import { stamp } from '../../runner/commands/stamp.js';
import { ALEMBIC_TABLE, stampFromAlembic } from '../../runner/commands/adopt.js';
import { stampFromTool, TOOL_TABLES, type Tool } from '../../runner/commands/adopttool.js';
import { resolveRevision } from '../../runner/graph/target.js';
import { warnAboutEmptyDowns } from '../../runner/graph/drafts.js';
import { status } from '../../runner/commands/status.js';
import type { RunResult } from '../../runner/commands/runner.js';
import { UsageError } from '../../runner/util/errors.js';
import { offlineScript } from '../../runner/commands/offline.js';
import { DATABASE_OPTIONS, draftHistory, withOptionalRunner, withRunner, type GlobalOptions } from '../context.js';
import { createdLines, json, out, runSummary, stepLine } from '../output.js';
import { holdYoungGeneration } from '../heap.js';
import { statusLines } from '../views.js';
import type { Command } from '../command.js';
import { fleetStatusCommand, fleetUp, runOptions, targetsOptions } from './fleet.js';


const targetArg = (fallback: string, describe: string) => (y: Argv) => y.positional('target', { type: 'string', default: fallback, describe });

function printRun(opts: GlobalOptions, result: RunResult, verb: string, nothing: string): void {
  if (opts.json) json({ ok: true, ...result });
  else out(runSummary(verb, result, result.note ?? nothing));
}

/** --sql, --from and --resume, shared by up and down. */
function scriptOptions(y: Argv): Argv {
  return y
    .option('sql', { type: 'boolean', default: false, describe: 'Print the script the runner would execute (for psql -v ON_ERROR_STOP=1 -f); run nothing' })
    .option('from', { type: 'string', describe: 'With --sql: assume the database stands here, this and its ancestors applied: head, heads, base, a revision id or unique prefix [default: read from --url or DATABASE_URL, else base]' })
    .option('resume', { type: 'boolean', default: false, describe: 'First continue a revision that stopped part-way (transaction: none) from its first statement not done' });
}

function checkOnlineOptions(a: Record<string, unknown>): void {
  if (a.from !== undefined) throw new UsageError('--from goes with --sql (it says where an offline script starts)');
}

async function printScript(a: Record<string, unknown>, opts: GlobalOptions, logger: Logger, direction: 'up' | 'down'): Promise<void> {
  if (opts.dryRun) throw new UsageError('--sql and --dry-run: choose one (--sql already runs nothing)');
  if (a.resume) throw new UsageError('--sql and --resume: an offline script starts a migration from its beginning; resume online, or resolve the revision first');
  const from = a.from as string | undefined;
  const result = await withOptionalRunner(opts, logger, from === undefined, (r, connected) =>
    offlineScript(r, { direction, readDatabase: connected, ...(a.target === undefined ? {} : { target: a.target as string }), ...(from === undefined ? {} : { from }) }),
  );
  if (opts.json) json({ ok: true, ...result });
  else out(result.script);
}

const streamSteps = (opts: GlobalOptions) => (opts.json || opts.dryRun ? {} : { onStep: (s: Parameters<typeof stepLine>[0]) => out(stepLine(s)) });

export const coreCommands: Command[] = [
  {
    command: ['up [target]', 'upgrade'],
    describe: 'Apply pending revisions up to target (default: every head)',
    builder: (y) =>
      runOptions(scriptOptions(targetArg('heads', 'head, heads, a revision id or unique prefix, or +N')(y)))
        .example('$0 up', 'apply every pending revision (all heads)')
        .example('$0 up d3ea --dry-run', 'show what applying up to d3ea4d165475 would run')
        .example('$0 up +1', 'apply the next pending revision only')
        .example('$0 up --sql --from d3ea4d165475 > upgrade.sql', 'the script for psql, for a database at d3ea4d165475')
        .example('$0 up --resume', 'continue a transaction: none revision that stopped part-way')
        .example('$0 up --targets tenants.txt --concurrency 8', 'every database listed in tenants.txt (docs/fleet.md)'),
    async run(a, opts, logger) {
      if (a.targets !== undefined) return fleetUp(a, opts, logger);
      if (a.sql) return printScript(a, opts, logger, 'up');
      checkOnlineOptions(a);
      holdYoungGeneration();
      const result = await withRunner(opts, logger, (r) => r.up(a.target as string, { dryRun: opts.dryRun, resume: Boolean(a.resume), ...streamSteps(opts) }));
      printRun(opts, result, 'apply', 'Nothing to apply.');
    },
  },
  {
    command: ['down [target]', 'downgrade'],
    describe: 'Revert applied revisions down to target (default: one step, -1)',
    builder: (y) =>
      scriptOptions(y.positional('target', { type: 'string', describe: 'a revision to go back to (it stays applied), -N, or base [default: -1; with --resume, only the interrupted down]' }))
        .example('$0 down', 'revert the newest applied revision')
        .example('$0 down 2c43863b5e49', 'revert everything above 2c43863b5e49 (it stays applied)')
        .example('$0 down -2 --dry-run', 'show which two revisions would be reverted')
        .example('$0 down base --sql --from head > rollback.sql', 'the script that takes a database at head back to base'),
    ignores: ['allow-drift'],
    async run(a, opts, logger) {
      if (a.sql) return printScript(a, opts, logger, 'down');
      checkOnlineOptions(a);
      holdYoungGeneration();
      const target = a.target as string | undefined;
      const result = await withRunner(opts, logger, (r) => r.down(target, { dryRun: opts.dryRun, resume: Boolean(a.resume), ...streamSteps(opts) }));
      printRun(opts, result, 'revert', 'Nothing to revert.');
    },
  },
  {
    command: 'redo',
    describe: 'Revert the newest applied revision and apply it again',
    builder: (y) => y.example('$0 redo --dry-run', 'show the down and up it would run'),
    async run(_a, opts, logger) {
      const result = await withRunner(opts, logger, (r) => r.redo({ dryRun: opts.dryRun, ...streamSteps(opts) }));
      printRun(opts, result, 'redo', 'Nothing to redo: no revision is applied.');
    },
  },
  {
    command: 'status',
    describe: 'Show applied and pending revisions, and any drift',
    builder: (y) => targetsOptions(y.example('$0 status --url postgres://app@db/app', 'where that database stands').example('$0 status --json', 'the same as one JSON document')).example('$0 status --targets tenants.txt', 'one line per database listed'),
    ignores: ['dry-run', 'allow-drift'],
    async run(a, opts, logger) {
      holdYoungGeneration();
      const history = draftHistory(opts, logger);
      warnAboutEmptyDowns(history, logger);
      if (a.targets !== undefined) return fleetStatusCommand(a, opts, logger, history);
      const report = await withRunner(opts, logger, (r) => status(r, history), { readOnly: true });
      if (opts.json) json({ ok: true, ...report });
      else out(statusLines(report).join('\n'));
    },
  },
  {
    command: 'current',
    describe: 'Print the revision(s) the database is at',
    builder: (y) => y,
    ignores: ['dry-run', 'allow-drift'],
    async run(_a, opts, logger) {
      holdYoungGeneration();
      const history = draftHistory(opts, logger);
      const report = await withRunner(opts, logger, (r) => status(r, history), { readOnly: true });
      if (opts.json) json({ ok: true, current: report.current });
      else out(report.current.length > 0 ? report.current.join('\n') : 'base (no revision applied)');
    },
  },


  {
    command: ['new <message>', 'revision'],
    describe: 'Write a new pair of files (up and down) with a fresh id, child of the current head (or of --parent)',
    builder: (y) =>
      y
        .positional('message', { type: 'string', describe: 'What the revision does, e.g. "add orders table"' })
        .option('parent', { type: 'string', describe: 'Start a branch: the parent revision (id or unique prefix) instead of the head' })
        .example('$0 new "add orders table"', 'a child of the single head')
        .example('$0 new "audit log" --parent d3ea', 'a branch: another child of d3ea4d165475')
        .example('$0 new "add orders table" --dry-run', 'show the files it would write'),
    ignores: [...DATABASE_OPTIONS, 'lock-timeout', 'allow-drift'],
    async run(a, opts, logger) {
      const history = existsSync(join(opts.dir, 'up')) ? draftHistory(opts, logger) : undefined;
      let parents: string[];
      if (typeof a.parent === 'string') {
        if (!history) throw new UsageError(`--parent ${a.parent}: there are no revisions in ${opts.dir} yet`);
        parents = [resolveRevision(history.graph, a.parent)];
      } else {
        parents = defaultParents(history);
      }
      const branched = history !== undefined && parents.length === 1 && history.graph.children(parents[0]!).length > 0;
      const created = writeRevision(opts.dir, String(a.message), parents, { dryRun: opts.dryRun });
      if (opts.json) return json({ ok: true, ...created, branch: branched, dryRun: opts.dryRun });
      const lines = createdLines(created, opts.dryRun, 'parent');
      if (branched) lines.push(`This ${opts.dryRun ? 'would start' : 'starts'} a branch: ${parents[0]} ${opts.dryRun ? 'would have' : 'now has'} ${history!.graph.children(parents[0]!).length + 1} children. Join the heads later with \`pgstrata merge heads -m "…"\`.`);
      out(lines.join('\n'));
    },
  },
  {
    command: 'stamp [target]',
    describe: 'Record target (and its ancestors) as applied without running SQL; --from-alembic or --from TOOL adopts a database another tool managed',
    builder: (y) =>
      y
        .positional('target', { type: 'string', describe: 'a revision, head, heads, or base' })
        .option('from-alembic', { type: 'boolean', default: false, describe: "Record the revision(s) in Alembic's alembic_version table and their ancestors" })
        .option('alembic-table', { type: 'string', default: ALEMBIC_TABLE, describe: "Alembic's version table, table or schema.table" })
        .option('from', { type: 'string', choices: Object.keys(TOOL_TABLES), describe: "Record what that tool's version table says it applied (schema_migrations, goose_db_version, gorp_migrations, flyway_schema_history), mapped to revisions by sql/import-manifest.json" })
        .option('from-table', { type: 'string', describe: "With --from: the tool's version table, table or schema.table [default: the tool's own]" })
        .example('$0 stamp d3ea4d165475', 'record d3ea4d165475 and its ancestors as applied, running no SQL')
        .example('$0 stamp base', 'record that nothing is applied')
        .example('$0 stamp --from-alembic --dry-run', "show what adopting Alembic's alembic_version would record")
        .example('$0 stamp --from goose --dry-run', 'show what adopting goose_db_version would record'),
    ignores: ['allow-drift'],
    async run(a, opts, logger) {
      const fromAlembic = Boolean(a.fromAlembic);
      const tool = a.from as Tool | undefined;
      if ([fromAlembic, tool !== undefined, a.target !== undefined].filter(Boolean).length !== 1) throw new UsageError('stamp takes a target, or --from-alembic, or --from TOOL (one of them)');
      if (a.fromTable !== undefined && !tool) throw new UsageError('--from-table goes with --from TOOL');
      const result: RunResult & { alembic?: string[]; ahead?: string[]; versions?: string[]; table?: string } = await withRunner(opts, logger, (r) =>
        tool
          ? stampFromTool(r, tool, { ...(a.fromTable ? { table: String(a.fromTable) } : {}), dryRun: opts.dryRun })
          : fromAlembic
            ? stampFromAlembic(r, { table: String(a.alembicTable), dryRun: opts.dryRun })
            : stamp(r, String(a.target), { dryRun: opts.dryRun }),
      );
      if (opts.json) return json({ ok: true, ...result });
      const lines = result.alembic ? [`${String(a.alembicTable)}: ${result.alembic.join(', ') || 'empty (Alembic was at base)'}`] : [];
      if (result.versions) lines.push(`${result.table}: ${result.versions.length === 0 ? `empty (${tool} applied nothing)` : `${result.versions.length} applied (${result.versions.slice(-3).join(', ')}${result.versions.length > 3 ? ', …' : ''})`}`);
      if (result.ahead?.length) {
        lines.push(`The version table is already past ${String(a.alembicTable)}: ${result.ahead.join(', ')} ${result.ahead.length === 1 ? 'was' : 'were'} applied since, and stay recorded (adoption only adds what is missing).`);
      }
      if (result.steps.length === 0) lines.push(result.ahead?.length ? 'Nothing to stamp.' : 'Nothing to stamp: the version table already says so.');
      else lines.push(`${result.dryRun ? 'Would stamp' : 'Stamped'} (no SQL run):`, ...result.steps.map((s) => `  ${s.direction === 'up' ? 'add   ' : 'remove'} ${s.revision}  ${s.message}`));
      out(lines.join('\n'));
    },
  },
];
