// `pgstrata check`: its options and output. The checks themselves (and libpg-query, PGlite) are
// loaded only when the command runs, so --help and the other commands never pay for them.
import type { Argv } from 'yargs';
import type { CheckOptions, Format } from '../../check/index.js';
import { ExitStatus, UsageError } from '../../runner/util/errors.js';
import type { Command } from '../command.js';
import { out } from '../output.js';

function progressLine(): CheckOptions['onProgress'] {
  if (!process.stderr.isTTY) return undefined;
  return (p) => process.stderr.write(`\r\x1b[Kround trip ${p.index + 1}/${p.total} ${p.revision} ${p.phase}`);
}

/** --url, else DATABASE_URL; one from DATABASE_URL that is neither postgres:// nor pglite: is refused under its own name. */
function serverUrl(url: string | undefined): string | undefined {
  if (url !== undefined) return url;
  const env = process.env.DATABASE_URL;
  if (!env) return undefined;
  if (!/^(postgres(ql)?:\/\/.|pglite:)/.test(env)) {
    throw new UsageError(`check --roundtrip runs on the server DATABASE_URL names when --url is not given, and DATABASE_URL is not a postgres:// URL: give --url postgres://… (a throwaway database is created there), or --url pglite:memory for an in-memory PGlite`);
  }
  return env;
}

export const checkCommand: Command = {
  command: 'check',
  describe: 'Check the migration files without a database (--roundtrip: also run every up and down on a scratch database)',
  settings: ['rules', 'strict', 'prelude', 'scratch-prefix', 'scratch-template'],
  ignores: ['schema', 'table', 'lock-timeout', 'dry-run', 'allow-drift'],
  builder: (y: Argv) =>
    y
      // check's own meaning of the global --url: only the round trip uses it.
      .option('url', { type: 'string', describe: 'With --roundtrip: the server on which to create the throwaway database (postgres://…; a pglite: URL means in-memory PGlite)', defaultDescription: '$DATABASE_URL, else in-memory PGlite' })
      .option('roundtrip', { type: 'boolean', default: false, describe: 'Also run each revision up, down and up again on a scratch database and compare schemas' })
      .option('trace', { type: 'boolean', default: false, describe: 'With --roundtrip: first trace every revision on the scratch database (locks, rewrites) for the trace-* rules' })
      .option('prelude', { type: 'string', describe: 'With --roundtrip: a SQL file run on the scratch database before the first revision (extensions, roles, schemas); what it makes survives every reset', normalize: true })
      .option('scratch-prefix', { type: 'string', describe: 'With --roundtrip on a server: the scratch database\'s name starts with this', defaultDescription: 'pgstrata_check' })
      .option('scratch-template', { type: 'string', describe: 'With --roundtrip on a server: create the scratch database from this template', defaultDescription: 'the server\'s (template1)' })
      .option('strict', { type: 'boolean', default: false, describe: 'Count warnings as errors (exit 7)' })
      .option('format', { type: 'string', choices: ['human', 'json', 'github'], describe: 'Output: for people, JSON, or GitHub workflow annotations', defaultDescription: 'human (json with --json)' })
      .option('rules', { describe: 'Rule levels, e.g. --rules.require-lock-timeout off (or "rules" in pgstrata.json)' })
      .epilogue('check reads only the files. --roundtrip (and --trace) runs on a throwaway database created on the server that --url names, else the one DATABASE_URL names, else on an in-memory PGlite (also for a pglite: URL); nothing runs in the named database itself. Exit status 7 when an error-level finding exists.'),
  async run(a, opts, logger) {
    if (a.trace && !a.roundtrip) throw new UsageError('check --trace traces on the round trip\'s scratch database: add --roundtrip');
    const format = ((a.format as string | undefined) ?? (opts.json ? 'json' : 'human')) as Format;
    // The server for the round trip's throwaway database: --url (or PGSTRATA_URL), else DATABASE_URL.
    const url = a.roundtrip ? serverUrl(opts.url) : undefined;
    const { runCheck, formatReport } = await import('../../check/index.js');
    const onProgress = a.roundtrip && format === 'human' ? progressLine() : undefined;
    // PGlite takes seconds to start: say so rather than sit silent.
    if (onProgress) process.stderr.write(`round trip: starting ${url?.startsWith('postgres') ? 'a scratch database' : 'PGlite'}…`);
    const report = await runCheck({
      dir: opts.dir,
      roundtrip: Boolean(a.roundtrip),
      trace: Boolean(a.trace),
      ...(url ? { url } : {}),
      ...(typeof a.prelude === 'string' ? { prelude: a.prelude } : {}),
      ...(typeof a['scratch-prefix'] === 'string' ? { scratchPrefix: a['scratch-prefix'] } : {}),
      ...(typeof a['scratch-template'] === 'string' ? { scratchTemplate: a['scratch-template'] } : {}),
      strict: Boolean(a.strict),
      rules: a.rules,
      logger,
      ...(onProgress ? { onProgress } : {}),
    }).finally(() => {
      if (onProgress) process.stderr.write('\r\x1b[K');
    });
    const color = format === 'human' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    out(formatReport(report, format, color));
    return report.errors > 0 ? ExitStatus.checkFailed : ExitStatus.ok;
  },
};
