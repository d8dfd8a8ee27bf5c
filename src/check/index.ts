// `pgstrata check` as a library call: static checks, then (optionally) the round trip, with the
// configured rule levels applied to everything found.
import type { Engine } from '../runner/engines/engine.js';
import type { Logger } from '../runner/util/logger.js';
import { applyLevels, parseRuleLevels } from './findings/config.js';
import { makeReport, type CheckReport, type RoundtripSummary } from './findings/format.js';
import { roundtrip, type RoundtripOptions } from './roundtrip/roundtrip.js';
import { openScratch } from './roundtrip/scratch.js';
import { checkStatic } from './static/static.js';
import { Baseline } from './roundtrip/baseline.js';
import { extensionsCreated, pgliteBundles, readPrelude } from './roundtrip/prelude.js';

export { formatReport, type CheckReport, type Format } from './findings/format.js';

export interface CheckOptions {
  dir: string;
  roundtrip?: boolean;
  /** A postgres:// server for the round trip's throwaway database; otherwise in-memory PGlite. */
  url?: string;
  /** Run the round trip on this engine instead of a scratch database (tests share one PGlite). */
  engine?: Engine;
  /** With roundtrip: first trace every revision (locks, rewrites) on the scratch database, for the trace-* rules. */
  trace?: boolean;
  /** A SQL file run on the scratch database before the first revision (extensions, roles, schemas). */
  prelude?: string;
  /** Server: the scratch database's name prefix and template (CREATE DATABASE … TEMPLATE). */
  scratchPrefix?: string;
  scratchTemplate?: string;
  /** Count every warning as an error. */
  strict?: boolean;
  /** Rule levels, e.g. {"require-lock-timeout": "off"}. */
  rules?: unknown;
  logger?: Logger;
  onProgress?: RoundtripOptions['onProgress'];
}

export async function runCheck(o: CheckOptions): Promise<CheckReport> {
  // Bad configuration is a usage error before any work.
  const levels = parseRuleLevels(o.rules);
  const s = await checkStatic(o.dir);
  const findings = [...s.findings];
  let summary: RoundtripSummary | undefined;
  if (o.roundtrip) {
    const history = s.runnable;
    if (!history) {
      summary = { notRun: 'the revision graph could not be built (fix the invalid-file and invalid-graph findings first)' };
    } else {
      const prelude = o.prelude !== undefined ? await readPrelude(o.prelude) : undefined;
      const onPglite = !o.engine && (o.url === undefined || o.url === '' || o.url.startsWith('pglite:'));
      const extensions = onPglite ? pgliteBundles(await extensionsCreated(history, prelude), await shippedByPglite()) : [];
      const scratch = o.engine ? undefined : await openScratch(o.url, { extensions, ...(o.scratchPrefix ? { prefix: o.scratchPrefix } : {}), ...(o.scratchTemplate ? { template: o.scratchTemplate } : {}) });
      const engine = o.engine ?? scratch!.engine;
      try {
        // Recorded before the prelude runs, so that every reset runs it again.
        const baseline = prelude ? await Baseline.withPrelude(engine, 'pgstrata_check', prelude) : undefined;
        if (o.trace) findings.push(...(await traceRules(history, engine, scratch?.url, baseline, o.logger)));
        const r = await roundtrip({
          history,
          engine,
          broken: s.broken,
          ...(baseline ? { baseline } : {}),
          ...(o.logger ? { logger: o.logger } : {}),
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        });
        findings.push(...r.findings);
        summary = { database: engine.description, checked: r.checked, skipped: r.skipped, defects: r.defects };
      } finally {
        await scratch?.dispose();
      }
    }
  }
  return makeReport(applyLevels(findings, levels, o.strict ?? false), s.files, s.revisions, summary);
}

/** Traces every revision from the empty scratch database, then puts it back as it was for the round trip. */
async function traceRules(history: NonNullable<Awaited<ReturnType<typeof checkStatic>>['runnable']>, engine: Engine, url: string | undefined, start: Baseline | undefined, logger: Logger | undefined): Promise<CheckReport['findings']> {
  const { traceHistory, traceFindings } = await import('../trace/trace.js');
  const baseline = start ?? (await Baseline.record(engine, 'pgstrata_trace'));
  try {
    const report = await traceHistory({ history, engine, schema: 'pgstrata_trace', ...(url ? { url } : {}), ...(logger ? { logger } : {}) });
    return traceFindings(report, (file) => [...history.migrations.values()].find((m) => m.upFile === file)?.sql);
  } finally {
    await baseline.reset();
  }
}

/** The contrib extensions PGlite ships (its engine module loads PGlite itself only when opened). */
async function shippedByPglite(): Promise<readonly string[]> {
  return (await import('../runner/engines/pglite.js')).PGLITE_EXTENSIONS;
}
