// `up --sql` / `down --sql`: the script the runner would send, for a DBA to review and run with
// `psql -v ON_ERROR_STOP=1 -f`. Every step is built by the code that builds what the runner sends
// (apply.ts's transactionalScript, partial.ts's entries, store.ts's statements); only the preamble
// is the script's own: it takes the lock and checks the starting point, as the runner does in code.
import { transactionalScript } from '../apply/apply.js';
import { refuseDirty } from '../apply/dirty.js';
import type { Engine } from '../engines/engine.js';
import { UsageError } from '../util/errors.js';
import { fileOf } from '../graph/history.js';
import { SERVER_DURATION } from '../store/journal.js';
import { lockKey } from '../store/lock.js';
import { partialEntries, renderEntry, splitStep } from '../apply/partial.js';
import { planDown, planUp, type Step } from '../graph/plan.js';
import { prepareScripts } from '../apply/prepare.js';
import type { Runner, StepResult } from './runner.js';
import { quoteLiteral } from '../util/sqlstring.js';
import { appliedAt, parseTarget } from '../graph/target.js';
import { pgstrataVersion } from '../util/version.js';
import { silentLogger } from '../util/logger.js';

export interface OfflineOptions {
  direction: 'up' | 'down';
  /** Default: heads for up, -1 for down. */
  target?: string;
  /** Assume the database is at this revision (with its ancestors): a revision, head, heads or base. */
  from?: string;
  /** Read the applied set from the runner's database (read-only: no lock, no table created). */
  readDatabase: boolean;
}

export interface OfflineScript {
  script: string;
  steps: StepResult[];
  /** Revisions the script assumes applied, in the order it checks them. */
  startsFrom: string[];
}

/** An engine for generating scripts with no database: anything that would touch one fails. */
export const NO_DATABASE: Engine = {
  kind: 'postgres',
  capabilities: { advisoryLocks: true, transactionalDdl: true },
  description: 'no database (offline script)',
  query: () => Promise.reject(new UsageError('this needs a database, but none was given (--url)')),
  exec: () => Promise.reject(new UsageError('this needs a database, but none was given (--url)')),
  transactionStatus: () => 'idle',
  close: () => Promise.resolve(),
};

export async function offlineScript(runner: Runner, options: OfflineOptions): Promise<OfflineScript> {
  const history = runner.history();
  let graph = history.graph;
  let applied = new Set<string>();
  let source = 'no database given: starting from base';
  if (options.from !== undefined) {
    applied = appliedAt(graph, parseTarget(graph, options.from), '--from');
    source = `--from ${options.from}`;
  } else if (options.readDatabase) {
    // Read-only: no lock, and no version table created.
    ({ graph, appliedSet: applied } = await runner.session(history, false, async (s) => {
      refuseDirty(s.dirty, `${options.direction} --sql`);
      // As online: an up from a database whose applied files changed or vanished stops here.
      if (options.direction === 'up') runner.checkDrift(s);
      return s;
    }));
    source = `the version table of ${runner.engine.description}`;
  } else if (options.direction === 'down') {
    // From base there is nothing to revert; the user means a database that has something applied.
    throw new UsageError('down --sql with no database starts from base, where nothing is applied to revert: say where the database stands with --from head (or --from <rev>), or read it from the database with --url');
  }
  const steps: Step[] =
    options.direction === 'up'
      ? planUp(graph, applied, options.target ?? 'heads', (r) => fileOf(history, r))
      : planDown(graph, applied, options.target ?? '-1');
  const scripts = await prepareScripts(history, steps, runner.store, silentLogger);

  const store = runner.store;
  const key = `${lockKey(store.schema, store.table)}::bigint`;
  const startsFrom = [...applied].sort();
  const expected = startsFrom.length === 0 ? "'{}'::text[]" : `ARRAY[${startsFrom.map((r) => quoteLiteral(`${r} applied`)).join(', ')}]::text[]`;
  const parts: string[] = [
    // First of all: the script is UTF-8, and a client set to another encoding (PGCLIENTENCODING,
    // a LATIN1 terminal) would silently re-encode every non-ASCII byte. Plain SQL, not \encoding,
    // so that any client honours it.
    "SET client_encoding = 'UTF8';",
    `-- pgstrata ${pgstrataVersion()}: ${options.direction} script for ${store.name}`,
    `-- Starts from: ${startsFrom.length ? `${startsFrom.join(', ')} applied` : 'nothing applied'} (${source})`,
    ...(scripts.length ? scripts.map((s) => `--   ${s.direction.padEnd(4)} ${s.revision}  ${s.file}${s.transactional ? '' : '  (transaction: none)'}`) : ['--   nothing to do']),
    '-- Run with: psql -v ON_ERROR_STOP=1 -f <this file>',
    '\\set ON_ERROR_STOP on',
    '',
    "-- Take pgstrata's migration lock for this session, or stop at once if another runner holds it.",
    `SELECT CASE WHEN pg_catalog.pg_try_advisory_lock(${key}) THEN NULL ELSE pg_catalog.current_setting('pgstrata.another_runner_holds_the_migration_lock') END;`,
    '',
    '-- The version table and event log, created or upgraded if needed.',
    store.ensureSql(true),
    '',
    '-- Stop unless the version table says exactly what this script starts from.',
    `SELECT CASE WHEN (SELECT coalesce(array_agg(revision || ' ' || state ORDER BY revision COLLATE "C"), '{}') FROM ${store.qualified}) = ${expected} THEN NULL ` +
      `ELSE pg_catalog.current_setting('pgstrata.database_is_not_where_this_script_starts') END;`,
  ];
  const results: StepResult[] = [];
  for (const prepared of scripts) {
    const s = prepared.script();
    const m = history.migrations.get(s.revision);
    results.push({ revision: s.revision, direction: s.direction, message: m?.message ?? '', file: s.file, transactional: s.transactional });
    parts.push('', `-- ${s.direction} ${s.revision}: ${m?.message ?? ''} (${s.file}${s.transactional ? '' : ', transaction: none: statement by statement, journalled'})`);
    if (s.transactional) parts.push(transactionalScript(s).script);
    else parts.push(partialEntries(s, await splitStep(s), { duration: SERVER_DURATION }).map(renderEntry).join('\n'));
  }
  parts.push('', `SELECT pg_catalog.pg_advisory_unlock(${key});`, '');
  return { script: parts.join('\n'), steps: results, startsFrom };
}
