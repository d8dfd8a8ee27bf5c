// `check --roundtrip --trace`: findings made of what trace saw, with the rule catalog's ids and
// levels, silenced by `-- pgstrata-ignore:` comments as the static rules are. Pure.
import { finding, type Finding } from '../check/findings/findings.js';
import { FileIgnores } from '../check/findings/ignore.js';
import { blocksWrites, sqlName } from './modes.js';
import type { MigrationTrace, TraceReport } from './report.js';
import { visibleLocks } from './render.js';

const ms = (n: number) => `${Math.round(n)} ms`;

function migrationFindings(m: MigrationTrace): Finding[] {
  const out: Finding[] = [];
  const at = (line: number, column?: number) => ({ file: m.file, line, ...(column !== undefined ? { column } : {}) });
  const createdHere = new Set<string>();
  for (const s of m.statements) {
    for (const r of s.rewrites) {
      if (/^index /.test(r) || createdHere.has(r)) continue;
      out.push(finding('trace-rewrite', at(s.line, s.column), `rewrites ${r} (new storage: every row copied${s.locks.some((l) => l.relation === r.replace(/^\S+ view /, '') && l.hasRows) ? ', and it has rows' : ''}) while holding ACCESS EXCLUSIVE (${ms(s.durationMs)} on the scratch database)`, { revision: m.revision }));
    }
    for (const l of visibleLocks(s.locks)) {
      if (!blocksWrites(l.mode) || l.hasRows !== true) continue;
      out.push(finding('trace-blocks-writes-rows', at(s.line, s.column), `takes ${sqlName(l.mode)} on ${l.relation}, which has rows: ${l.blocks}`, { revision: m.revision }));
    }
    for (const c of s.created) createdHere.add(c);
  }
  for (const h of m.held) {
    if (h.mode !== 'AccessExclusiveLock' || h.created || h.laterStatements === 0 || !m.transactional) continue;
    const kind = m.statements.flatMap((s) => s.locks).find((l) => l.relation === h.relation)?.kind ?? 'table';
    if (/index/.test(kind)) continue;
    const s = m.statements.find((x) => x.index === h.statement)!;
    out.push(finding('trace-exclusive-held', at(s.line, s.column), `ACCESS EXCLUSIVE on ${h.relation}, taken here, stays held across ${h.laterStatements} later statement${h.laterStatements === 1 ? '' : 's'} until COMMIT (${ms(h.heldMs)} on the scratch database): reads and writes wait that long`, { revision: m.revision }));
  }
  return out;
}

/** The findings of a trace; `texts` gives each traced up file's text, for its ignore comments. */
export function traceFindings(report: TraceReport, texts: (file: string) => string | undefined): Finding[] {
  const out: Finding[] = [];
  for (const m of report.migrations) {
    const text = texts(m.file);
    const ignores = text === undefined ? undefined : new FileIgnores(text);
    for (const f of migrationFindings(m)) if (!ignores?.silences([f.line!], f.rule)) out.push(f);
  }
  return out;
}
