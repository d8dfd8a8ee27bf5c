// `pgstrata trace [target]`: what each pending migration locks, rewrites and blocks, observed on
// a scratch database. The tracer (and libpg-query, PGlite) load only when the command runs.
import type { Argv } from 'yargs';
import { ExitStatus } from '../../runner/util/errors.js';
import type { Command } from '../command.js';
import { json, out } from '../output.js';

export const traceCommand: Command = {
  command: 'trace [target]',
  describe: 'Run the pending revisions on a scratch copy, one statement at a time, and report what each locks, rewrites and blocks',
  ignores: ['lock-timeout', 'dry-run', 'allow-drift'],
  builder: (y: Argv) =>
    y
      .positional('target', { type: 'string', default: 'heads', describe: 'as for up: head, heads, a revision id or unique prefix, or +N' })
      .option('after', { type: 'string', describe: 'first apply this revision and its ancestors, untraced (without --url nothing is applied otherwise)' })
      .example('$0 trace --url postgres://localhost/app', 'trace what is pending there, on a template copy of the database')
      .example('$0 trace --after d3ea4d165475', 'on an in-memory PGlite: apply up to d3ea4d165475, trace the rest')
      .epilogue('With --url (a postgres:// server) trace makes a copy with CREATE DATABASE … TEMPLATE (no other session may be connected to the database) and drops it after; the database itself is never connected to. Without --url it runs on an in-memory PGlite that starts empty. DATABASE_URL is not used. Exit status 1 when a traced migration fails.'),
  async run(a, opts, logger) {
    const { runTrace, renderTrace } = await import('../../trace/trace.js');
    const report = await runTrace({
      dir: opts.dir,
      ...(opts.url ? { url: opts.url } : {}),
      target: a.target as string,
      ...(a.after ? { after: a.after as string } : {}),
      schema: opts.schema,
      table: opts.table,
      logger,
      ...(process.stderr.isTTY && !opts.json ? { onMigration: (r: string, i: number, n: number) => process.stderr.write(`\r\x1b[Ktrace ${i + 1}/${n} ${r}`) } : {}),
    }).finally(() => {
      if (process.stderr.isTTY && !opts.json) process.stderr.write('\r\x1b[K');
    });
    const failed = report.migrations.some((m) => m.failed);
    if (opts.json) json({ ok: !failed, ...report });
    else out(renderTrace(report));
    return failed ? ExitStatus.sqlFailed : ExitStatus.ok;
  },
};
