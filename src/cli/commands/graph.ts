// Commands about the revision graph: history (drawn), heads, branches, graph pictures, merge.
// They read only the files, plus the version table (read-only) when a database URL is given.
import type { Argv } from 'yargs';
import type { Logger } from '../../runner/util/logger.js';
import { UsageError } from '../../runner/util/errors.js';
import type { History } from '../../runner/graph/history.js';
import { warnAboutEmptyDowns } from '../../runner/graph/drafts.js';
import { branchPoints } from '../../runner/render/branches.js';
import { dot } from '../../runner/render/dot.js';
import { mermaid } from '../../runner/render/mermaid.js';
import { newestFirst } from '../../runner/render/order.js';
import { selectRevisions } from '../../runner/graph/range.js';
import { mergeParents, writeMerge } from '../../runner/commands/scaffold.js';
import { status } from '../../runner/commands/status.js';
import type { Command } from '../command.js';
import { DATABASE_OPTIONS, draftHistory, withOptionalRunner, type GlobalOptions } from '../context.js';
import { branchLines, historyGraphLines, marksOf, tagsOf, type Marks } from '../graph-views.js';
import { createdLines, json, out } from '../output.js';
import { historyLines } from '../views.js';

/** -r FROM:TO and --limit N, shared by history and graph. */
function rangeOptions(y: Argv): Argv {
  return y
    .option('rev-range', { alias: 'r', type: 'string', describe: 'Only FROM:TO: the revisions descending from FROM and leading to TO, both included (ids or prefixes; base, head, or empty for either end), as Alembic takes it' })
    .option('limit', { type: 'number', describe: 'Only the newest N revisions (of the range, with -r)' });
}

const selection = (a: Record<string, unknown>) => ({ ...(a.revRange !== undefined ? { range: String(a.revRange) } : {}), ...(a.limit !== undefined ? { limit: Number(a.limit) } : {}) });

/** The files, and the applied marks when a database URL is given (read-only, nothing created). */
async function historyWithMarks(opts: GlobalOptions, logger: Logger): Promise<{ history: History; marks?: Marks }> {
  const history = draftHistory(opts, logger);
  return withOptionalRunner(opts, logger, true, async (runner, connected) => (connected ? { history, marks: marksOf(await status(runner, history)) } : { history }));
}

export const graphCommands: Command[] = [
  {
    command: 'history',
    describe: 'Draw the revision graph, newest first; with a database URL, mark what is applied',
    builder: (y: Argv) =>
      rangeOptions(y)
        .option('format', { choices: ['graph', 'list'], default: 'graph', describe: 'graph: drawn like git log --graph; list: Alembic\'s "parents -> revision" lines' })
        .example('$0 history', 'the graph from the files alone')
        .example('$0 history --url "$DATABASE_URL"', 'with what that database has applied marked')
        .example('$0 history --format list', 'Alembic-style "parents -> revision" lines')
        .example('$0 history -r d3ea4d165475:head --limit 20', 'the newest 20 revisions since d3ea4d165475'),
    ignores: ['dry-run', 'allow-drift'],
    async run(a, opts, logger) {
      const { history, marks } = await historyWithMarks(opts, logger);
      warnAboutEmptyDowns(history, logger);
      const g = history.graph;
      const shown = selectRevisions(g, selection(a));
      if (opts.json) {
        const revisions = newestFirst(shown ? g.restrictedTo(shown) : g).map((r) => ({
          revision: r,
          parents: g.parents(r),
          message: history.migrations.get(r)!.message,
          file: history.migrations.get(r)!.upFile,
          head: g.children(r).length === 0,
          tags: tagsOf(history, r, marks),
          ...(marks ? { applied: marks.applied.has(r), dirty: marks.dirty.has(r) } : {}),
        }));
        return json({ ok: true, revisions });
      }
      out((a.format === 'list' ? historyLines(history, shown) : historyGraphLines(history, marks, shown)).join('\n') || '(no revisions)');
    },
  },
  {
    command: 'heads',
    describe: 'Print the revisions nothing builds on yet (reads only the files)',
    builder: (y: Argv) => y,
    ignores: [...DATABASE_OPTIONS, 'lock-timeout', 'dry-run', 'allow-drift'],
    async run(_a, opts, logger) {
      const history = draftHistory(opts, logger);
      const heads = history.graph.heads().map((r) => ({ revision: r, message: history.migrations.get(r)!.message }));
      if (opts.json) json({ ok: true, heads });
      else out(heads.map((h) => `${h.revision}  ${h.message}`).join('\n') || '(no revisions)');
    },
  },
  {
    command: 'branches',
    describe: 'List branch points (revisions with several children) and where each branch goes',
    builder: (y: Argv) => y,
    ignores: [...DATABASE_OPTIONS, 'lock-timeout', 'dry-run', 'allow-drift'],
    async run(_a, opts, logger) {
      const history = draftHistory(opts, logger);
      const points = branchPoints(history.graph);
      if (opts.json) json({ ok: true, branchPoints: points });
      else out(branchLines(history, points).join('\n'));
    },
  },
  {
    command: 'graph',
    describe: 'Print the revision graph as a picture (Mermaid or Graphviz dot); with a database URL, style applied revisions',
    builder: (y: Argv) =>
      rangeOptions(y)
        .option('format', { choices: ['mermaid', 'dot'], default: 'mermaid', describe: 'mermaid (paste into Markdown) or dot (Graphviz)' })
        .example('$0 graph > history.mmd', 'a Mermaid flowchart to paste into a README')
        .example('$0 graph --format dot | dot -Tsvg > history.svg', 'a Graphviz picture')
        .example('$0 graph --url "$DATABASE_URL"', 'with applied revisions filled green, dirty ones red'),
    ignores: ['dry-run', 'allow-drift'],
    async run(a, opts, logger) {
      const { history, marks } = await historyWithMarks(opts, logger);
      const shown = selectRevisions(history.graph, selection(a));
      const input = { graph: shown ? history.graph.restrictedTo(shown) : history.graph, whole: history.graph, message: (r: string) => history.migrations.get(r)!.message, ...(marks ? { applied: marks.applied, dirty: marks.dirty } : {}) };
      const picture = a.format === 'dot' ? dot(input) : mermaid(input);
      if (opts.json) json({ ok: true, format: a.format, picture });
      else out(picture);
    },
  },
  {
    command: 'merge <revisions..>',
    describe: 'Write a merge revision joining two or more revisions (or "heads") into one line of history',
    builder: (y: Argv) =>
      y
        .positional('revisions', { type: 'string', array: true, describe: 'revision ids or unique prefixes, or heads' })
        .option('message', { alias: 'm', type: 'string', describe: 'What the merge joins [default: "merge <ids>"]' })
        .example('$0 merge heads -m "join orders and audit"', 'join every head')
        .example('$0 merge 5f2a 9c01 --dry-run', 'show the merge of those two revisions it would write'),
    ignores: [...DATABASE_OPTIONS, 'lock-timeout', 'allow-drift'],
    async run(a, opts, logger) {
      const history = draftHistory(opts, logger);
      const specs = (a.revisions as string[]).map(String);
      if (specs.length === 0) throw new UsageError('merge needs the revisions to join, or "heads"');
      const parents = mergeParents(history, specs);
      const message = typeof a.message === 'string' && a.message.trim() !== '' ? a.message : `merge ${parents.join(' and ')}`;
      const created = writeMerge(opts.dir, message, parents, { dryRun: opts.dryRun });
      if (opts.json) json({ ok: true, ...created, dryRun: opts.dryRun });
      else out(createdLines(created, opts.dryRun, 'parents').join('\n'));
    },
  },
];
