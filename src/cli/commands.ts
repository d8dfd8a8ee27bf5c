// One entry per command: its yargs shape and a handler that calls the runner and prints.
import type { Argv } from 'yargs';
import type { Logger as Pino } from 'pino';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadHistory } from '../runner/history.js';
import { defaultParents, writeRevision } from '../runner/scaffold.js';
import { stamp } from '../runner/stamp.js';
import { status } from '../runner/status.js';
import type { RunResult } from '../runner/runner.js';
import { withRunner, type GlobalOptions } from './context.js';
import { json, out, runSummary, stepLine } from './output.js';
import { historyLines, statusLines } from './views.js';
import { checkCommand } from './check.js';

export interface Command {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv;
  run(args: Record<string, unknown>, opts: GlobalOptions, logger: Pino): Promise<number | void>;
}

const targetArg = (fallback: string, describe: string) => (y: Argv) => y.positional('target', { type: 'string', default: fallback, describe });

function printRun(opts: GlobalOptions, result: RunResult, verb: string, nothing: string): void {
  if (opts.json) json({ ok: true, ...result });
  else out(runSummary(verb, result, nothing));
}

const streamSteps = (opts: GlobalOptions) => (opts.json || opts.dryRun ? {} : { onStep: (s: Parameters<typeof stepLine>[0]) => out(stepLine(s)) });

export const commands: Command[] = [
  {
    command: ['up [target]', 'upgrade'],
    describe: 'Apply pending revisions up to target (default: every head)',
    builder: targetArg('heads', 'head, heads, a revision id or unique prefix, or +N'),
    async run(a, opts, logger) {
      const result = await withRunner(opts, logger, (r) => r.up(a.target as string, { dryRun: opts.dryRun, ...streamSteps(opts) }));
      printRun(opts, result, 'apply', 'Nothing to apply: the database is at head.');
    },
  },
  {
    command: ['down [target]', 'downgrade'],
    describe: 'Revert applied revisions down to target (default: one step, -1)',
    builder: targetArg('-1', 'a revision to go back to (it stays applied), -N, or base'),
    async run(a, opts, logger) {
      const result = await withRunner(opts, logger, (r) => r.down(a.target as string, { dryRun: opts.dryRun, ...streamSteps(opts) }));
      printRun(opts, result, 'revert', 'Nothing to revert: no revision is applied.');
    },
  },
  {
    command: 'redo',
    describe: 'Revert the newest applied revision and apply it again',
    builder: (y) => y,
    async run(_a, opts, logger) {
      const result = await withRunner(opts, logger, (r) => r.redo({ dryRun: opts.dryRun, ...streamSteps(opts) }));
      printRun(opts, result, 'redo', 'Nothing to redo: no revision is applied.');
    },
  },
  {
    command: 'status',
    describe: 'Show applied and pending revisions, and any drift',
    builder: (y) => y,
    async run(_a, opts, logger) {
      const report = await withRunner(opts, logger, (r) => status(r));
      if (opts.json) json({ ok: true, ...report });
      else out(statusLines(report).join('\n'));
    },
  },
  {
    command: 'current',
    describe: 'Print the revision(s) the database is at',
    builder: (y) => y,
    async run(_a, opts, logger) {
      const report = await withRunner(opts, logger, (r) => status(r));
      if (opts.json) json({ ok: true, current: report.current });
      else out(report.current.length > 0 ? report.current.join('\n') : 'base (no revision applied)');
    },
  },
  {
    command: 'history',
    describe: 'List the revisions, newest first (reads only the files)',
    builder: (y) => y,
    async run(_a, opts) {
      const history = loadHistory(opts.dir);
      if (opts.json) json({ ok: true, revisions: [...history.graph.order].reverse().map((r) => ({ revision: r, parents: history.graph.parents(r), message: history.migrations.get(r)!.message, file: history.migrations.get(r)!.upFile, head: history.graph.children(r).length === 0 })) });
      else out(historyLines(history).join('\n'));
    },
  },
  {
    command: 'heads',
    describe: 'Print the revisions nothing builds on yet (reads only the files)',
    builder: (y) => y,
    async run(_a, opts) {
      const history = loadHistory(opts.dir);
      const heads = history.graph.heads().map((r) => ({ revision: r, message: history.migrations.get(r)!.message }));
      if (opts.json) json({ ok: true, heads });
      else out(heads.map((h) => `${h.revision}  ${h.message}`).join('\n') || '(no revisions)');
    },
  },
  {
    command: ['new <message>', 'revision'],
    describe: 'Write a new pair of files (up and down) with a fresh id, child of the current head',
    builder: (y) => y.positional('message', { type: 'string', describe: 'What the revision does, e.g. "add orders table"' }),
    async run(a, opts) {
      const history = existsSync(join(opts.dir, 'up')) ? loadHistory(opts.dir) : undefined;
      const created = writeRevision(opts.dir, String(a.message), defaultParents(history));
      if (opts.json) json({ ok: true, ...created });
      else out(`Created ${created.upFile}\n        ${created.downFile}\nparent: ${created.parents.join(', ') || 'none (first revision)'}`);
    },
  },
  {
    command: 'stamp <target>',
    describe: 'Record target (and its ancestors) as applied without running SQL',
    builder: (y) => y.positional('target', { type: 'string', describe: 'a revision, head, heads, or base' }),
    async run(a, opts, logger) {
      const result = await withRunner(opts, logger, (r) => stamp(r, String(a.target), { dryRun: opts.dryRun }));
      if (opts.json) json({ ok: true, ...result });
      else if (result.steps.length === 0) out('Nothing to stamp: the version table already says so.');
      else out([`${result.dryRun ? 'Would stamp' : 'Stamped'} (no SQL run):`, ...result.steps.map((s) => `  ${s.direction === 'up' ? 'add   ' : 'remove'} ${s.revision}  ${s.message}`)].join('\n'));
    },
  },
  checkCommand,
];
