#!/usr/bin/env node
// The pgstrata command line: options in, one runner call, output out, exit status. No SQL here.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { readFileSync, existsSync } from 'node:fs';
import { ExitStatus, UsageError, isPgstrataError } from './runner/util/errors.js';
import { addUrlSecret, redactForeign } from './runner/util/redact.js';
import { createLogger, type LogFormat } from './cli/logging.js';
import { describeError, err, errorDocument, json } from './cli/output.js';
import { commands } from './cli/commands/index.js';
import type { Command } from './cli/command.js';
import type { GlobalOptions } from './cli/context.js';
import { displayPath } from './runner/source/source.js';
import { pgstrataVersion } from './runner/util/version.js';
import { straySettings, type ConfigSource, type OptionsShape } from './cli/settings.js';

const CONFIG_FILE = 'pgstrata.json';

/** The config file read, if any, so that a stray key in it can be named. */
let configSource: ConfigSource | undefined;

function globalOptions(y: Argv) {
  return y
    .option('url', { type: 'string', describe: 'Database: postgres://…, pglite:<dir>, pglite:memory or pgmem: [env DATABASE_URL; default pglite:./.pgstrata/dev]', defaultDescription: '$DATABASE_URL or pglite:./.pgstrata/dev' })
    .option('dir', { type: 'string', describe: 'Folder holding up/ and down/', default: './sql' })
    .option('schema', { type: 'string', describe: 'Schema of the version table', default: 'public' })
    .option('table', { type: 'string', describe: 'Name of the version table (the log is <table>_log)', default: 'pgstrata_version' })
    .option('lock-timeout', { type: 'string', describe: "How long to wait for another runner's lock, or for a PGlite directory another process has open (e.g. 30s, 5m)", default: '5m' })
    .option('dry-run', { type: 'boolean', describe: 'Show what would run; execute nothing', default: false })
    .option('json', { type: 'boolean', describe: 'Print one JSON document on stdout', default: false })
    .option('allow-drift', { type: 'boolean', describe: 'Run even if applied files changed or vanished', default: false })
    .option('log-level', { type: 'string', choices: ['trace', 'debug', 'info', 'warn', 'error', 'silent'], describe: 'Log detail on stderr', default: 'warn' })
    .option('log-format', { type: 'string', choices: ['pretty', 'json'], describe: 'Log lines for people or for collectors', defaultDescription: 'pretty on a terminal, else json' })
    // PGSTRATA_DEBUG=1 prints the stack of an unexpected error; declared so that strict parsing accepts it.
    .option('debug', { type: 'boolean', hidden: true })
    .config('config', `JSON file of options (default ./${CONFIG_FILE} when present)`, (path: string) => {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as object;
        configSource = { file: displayPath(path), keys: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [] };
        return parsed;
      } catch (e) {
        throw new UsageError(`cannot read config file ${path}: ${redactForeign((e as Error).message)}`);
      }
    })
    .default('config', existsSync(CONFIG_FILE) ? CONFIG_FILE : undefined, CONFIG_FILE);
}

/** Settings of one command (check's) that a shared pgstrata.json or PGSTRATA_* may carry. */
const COMMAND_SETTINGS = ['rules', 'strict', 'prelude', 'scratch-prefix', 'scratch-template'];

/** The other commands accept those settings silently, so strict parsing does not reject the file. */
function acceptSharedSettings(y: Argv, c: Command): Argv {
  for (const key of COMMAND_SETTINGS) if (!c.settings?.includes(key)) y.option(key, { hidden: true });
  // Global options a command ignores stay accepted (a shared config file sets them) but unlisted.
  for (const key of c.ignores ?? []) y.hide(key);
  return y;
}

async function main(argv: string[]): Promise<number> {
  let asJson = argv.includes('--json');
  let status: number = ExitStatus.ok;
  const parser = globalOptions(yargs(argv))
    .scriptName('pgstrata')
    .usage('$0 <command> [options]\n\nRaw-SQL migrations for PostgreSQL: sql/up/<revision>_<slug>.sql and sql/down/<same name>, ordered by each file\'s down_revision.')
    .env('PGSTRATA')
    .middleware((a) => {
      asJson = Boolean(a.json);
      if (typeof a.url === 'string') addUrlSecret(a.url);
      if (process.env.DATABASE_URL) addUrlSecret(process.env.DATABASE_URL);
    })
    // Before strict validation, which would reject a stray setting without saying where it came from.
    // (yargs passes itself as the second argument; its types do not say so.)
    .middleware(((a: { json?: unknown; _: unknown[] }, y: { getOptions(): OptionsShape }) => {
      asJson = Boolean(a.json);
      const { variables, configKeys } = straySettings(String(a._[0] ?? ''), y.getOptions(), process.env, configSource, ['debug', ...COMMAND_SETTINGS]);
      for (const stray of variables) {
        if (stray.message) err(`warning: ${stray.message}`);
        for (const key of stray.keys) delete (a as Record<string, unknown>)[key];
      }
      if (configKeys.length > 0) throw new UsageError(configKeys.join('\n'));
    }) as never, true)
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // From pgstrata's own package.json, wherever it is installed (yargs would look near the working directory).
    .version(pgstrataVersion())
    .epilogue('Exit status: 0 ok, 1 migration SQL failed, 2 usage, 3 invalid files or graph, 4 drift, 5 lock timeout, 6 cannot connect, 7 check found problems.\nOptions also come from PGSTRATA_* environment variables (PGSTRATA_LOCK_TIMEOUT=30s) and ./pgstrata.json.')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, e) => {
      throw e ?? new UsageError(msg);
    });

  for (const c of commands) {
    parser.command(c.command, c.describe, (y) => acceptSharedSettings(c.builder(y), c), async (a) => {
      const opts = a as unknown as GlobalOptions & { logLevel: string; logFormat?: LogFormat };
      const logger = createLogger(opts.logLevel, opts.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json'));
      status = (await c.run(a as never, opts, logger)) ?? ExitStatus.ok;
    });
  }
  try {
    await parser.parseAsync();
    return status;
  } catch (e) {
    const usage = e instanceof UsageError || (e instanceof Error && e.name === 'YError');
    if (asJson) json(errorDocument(e));
    else err(describeError(e) + (usage ? '\nRun `pgstrata --help` for the commands and options.' : ''));
    if (isPgstrataError(e)) return e.exitStatus;
    if (usage) return ExitStatus.usage;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || /Connection terminated/.test((e as Error).message)) return ExitStatus.connect;
    if (process.env.PGSTRATA_DEBUG) err((e as Error).stack ?? '');
    return ExitStatus.sqlFailed;
  }
}

// No top-level await: the bundle is a CommonJS script (see launcher.ts).
void main(hideBin(process.argv)).then((status) => {
  process.exitCode = status;
});
