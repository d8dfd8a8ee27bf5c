// The human summary of a trace: per revision, the statements that lock something other sessions
// use (a relation that existed before the migration), rewrite or drop, in plain words, and how
// long each strongest lock was held. Revisions with nothing of that kind share one line, so
// a long history still fits a screen. Pure.
import { sqlName, strength } from './modes.js';
import type { HeldLock, MigrationTrace, StatementTrace, TakenLock, TraceReport } from './report.js';

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Locks other sessions can feel: on relations that existed before, indexes left out (their table's lock says it), the strongest per relation. */
export function visibleLocks(locks: TakenLock[]): TakenLock[] {
  const best = new Map<string, TakenLock>();
  for (const l of locks) {
    if (l.created || /index/.test(l.kind)) continue;
    const seen = best.get(l.relation);
    if (!seen || strength(l.mode) > strength(seen.mode)) best.set(l.relation, l);
  }
  return [...best.values()].sort((a, b) => strength(b.mode) - strength(a.mode) || a.relation.localeCompare(b.relation));
}

function notable(s: StatementTrace): boolean {
  return visibleLocks(s.locks).length > 0 || s.rewrites.length > 0 || s.dropped.length > 0;
}

function statementLines(s: StatementTrace): string[] {
  const out = [`  ${s.file}:${s.line}  ${s.sql}  (${ms(s.durationMs)})`];
  for (const l of visibleLocks(s.locks)) {
    const rows = l.hasRows === true ? ', which has rows' : '';
    out.push(`      ${sqlName(l.mode)}: ${l.blocks}${rows}`);
  }
  if (s.observed === 'not observable') out.push('      locks not observable: it runs outside a transaction, and this database allows no second connection to watch it');
  if (s.observed === 'sampled while running') out.push('      (locks seen by a second connection while it ran)');
  if (s.rewrites.length > 0) out.push(`      rewrites ${s.rewrites.join(', ')}`);
  if (s.dropped.length > 0) out.push(`      drops ${s.dropped.join(', ')}`);
  return out;
}

function heldLine(h: HeldLock, transactional: boolean): string {
  const span = h.laterStatements === 0 ? 'for its own statement only' : `until COMMIT, across ${plural(h.laterStatements, 'later statement')}`;
  return `  held: ${sqlName(h.mode)} on ${h.relation} from line ${h.line} ${transactional ? span : 'for its own statement only (no transaction)'}, ${ms(h.heldMs)} of statement time`;
}

function migrationLines(m: MigrationTrace): string[] {
  const how = m.transactional ? 'one transaction' : 'no transaction: each statement commits on its own';
  const out = [`${m.revision} ${m.message} (${plural(m.statements.length, 'statement')}, ${how}, ${ms(m.durationMs)} traced)`];
  for (const s of m.statements) if (notable(s) || s.observed === 'not observable') out.push(...statementLines(s));
  for (const h of m.held) if (!h.created && !/index/.test(lockKind(m, h))) out.push(heldLine(h, m.transactional));
  if (m.failed) out.push(`  FAILED at ${m.file}:${m.failed.line}:${m.failed.column}: ${m.failed.sqlstate ? `ERROR ${m.failed.sqlstate}: ` : ''}${m.failed.message} (rolled back on the scratch database)`);
  return out;
}

function lockKind(m: MigrationTrace, h: HeldLock): string {
  for (const s of m.statements) for (const l of s.locks) if (l.relation === h.relation) return l.kind;
  return 'table';
}

export function renderTrace(r: TraceReport): string {
  const lines: string[] = [];
  const quiet: string[] = [];
  const where = r.copyOf ? `a copy of ${r.copyOf} (${r.database}, dropped afterwards)` : `${r.database} (a scratch database, dropped afterwards)`;
  lines.push(`trace on ${where}${r.prepared.length > 0 ? `; applied first, untraced: ${r.prepared.join(', ')}` : ''}`);
  if (r.migrations.length === 0) lines.push('Nothing to trace: no revision is pending up to the target.');
  for (const m of r.migrations) {
    if (!m.failed && !m.statements.some(notable) && !m.statements.some((s) => s.observed === 'not observable')) {
      quiet.push(m.revision);
      continue;
    }
    lines.push('', ...migrationLines(m));
  }
  if (quiet.length > 0) {
    const shown = quiet.length > 8 ? `${quiet.slice(0, 8).join(', ')} and ${quiet.length - 8} more` : quiet.join(', ');
    lines.push('', `${plural(quiet.length, 'revision')} lock, rewrite and drop only what they create themselves: ${shown}`);
  }
  if (r.notRun.length > 0) lines.push('', `not traced (a revision before them failed): ${r.notRun.join(', ')}`);
  return lines.join('\n');
}
