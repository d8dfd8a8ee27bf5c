// `pgstrata check` as a library call: static checks, then (optionally) the round trip, with the
// configured rule levels applied to everything found.
import type { Engine } from '../runner/engines/engine.js';
import type { Logger } from '../runner/util/logger.js';
import { applyLevels, parseRuleLevels } from './findings/config.js';
import { makeReport, type CheckReport, type RoundtripSummary } from './findings/format.js';
import { roundtrip, type RoundtripOptions } from './roundtrip/roundtrip.js';
import { openScratch } from './roundtrip/scratch.js';
import { checkStatic } from './static/static.js';

export { formatReport, type CheckReport, type Format } from './findings/format.js';

export interface CheckOptions {
  dir: string;
  roundtrip?: boolean;
  /** A postgres:// server for the round trip's throwaway database; otherwise in-memory PGlite. */
  url?: string;
  /** Run the round trip on this engine instead of a scratch database (tests share one PGlite). */
  engine?: Engine;
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
    if (!s.runnable) {
      summary = { notRun: 'the files have errors that stop any run (fix those first)' };
    } else {
      const scratch = o.engine ? undefined : await openScratch(o.url);
      const engine = o.engine ?? scratch!.engine;
      try {
        const r = await roundtrip({ history: s.runnable, engine, ...(o.logger ? { logger: o.logger } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
        findings.push(...r.findings);
        summary = { database: engine.description, checked: r.checked, skipped: r.skipped };
      } finally {
        await scratch?.dispose();
      }
    }
  }
  return makeReport(applyLevels(findings, levels, o.strict ?? false), s.files, s.revisions, summary);
}
