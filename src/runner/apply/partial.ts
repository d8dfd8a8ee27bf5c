// What a step outside a transaction sends, in order: the journal row marked running, the
// header's timeouts, each statement followed by its progress write, the timeouts reset, the final
// write. Pure: the runner sends these entries one by one, and `up --sql` prints the very same list.
import { settings, type StepScript } from './steps.js';
import { SourceError } from '../util/errors.js';
import type { Duration } from '../store/journal.js';
import { parseStatements, type ParsedStatement } from '../util/sqlparse.js';
import { Store } from '../store/store.js';

export type PartialEntry =
  /** Version-table writes, sent together as one round trip. */
  | { kind: 'journal'; sql: string }
  /** SET / RESET of the header's timeouts, for the session. */
  | { kind: 'setting'; sql: string }
  /** One statement of the file, sent alone. `index` is 0-based. */
  | { kind: 'statement'; index: number; statement: ParsedStatement };

/** Splits the step's SQL with PostgreSQL's own parser; a syntax error is a SourceError (exit 3). */
export async function splitStep(step: StepScript): Promise<ParsedStatement[]> {
  const parsed = await parseStatements(step.sql, step.file);
  if (!parsed.ok) throw new SourceError([parsed.problem], `${step.file} cannot be split into statements; nothing was run`);
  return parsed.statements;
}

/**
 * The entries from statement `resumeFrom` (0-based: statements already done) to the end;
 * `carriedMs` is what the earlier runs of a resumed step took.
 */
export function partialEntries(step: StepScript, statements: ParsedStatement[], options: { resumeFrom?: number; carriedMs?: number; duration: Duration }): PartialEntry[] {
  const total = statements.length;
  const from = options.resumeFrom ?? 0;
  const entries: PartialEntry[] = [{ kind: 'journal', sql: Store.inline([step.journal.start(total, options.resumeFrom)]) }];
  const set = settings(step, false);
  for (const sql of set) entries.push({ kind: 'setting', sql });
  for (let i = from; i < total; i++) {
    entries.push({ kind: 'statement', index: i, statement: statements[i]! });
    entries.push({ kind: 'journal', sql: Store.inline([step.journal.progress(i + 1)]) });
  }
  for (const name of resetNames(step)) entries.push({ kind: 'setting', sql: `RESET ${name}` });
  entries.push({ kind: 'journal', sql: Store.inline(step.journal.finish(options.duration, options.carriedMs)) });
  return entries;
}

export function resetNames(step: StepScript): string[] {
  return [...(step.lockTimeout ? ['lock_timeout'] : []), ...(step.statementTimeout ? ['statement_timeout'] : [])];
}

/** One entry as a line (or lines) of a psql script. */
export function renderEntry(e: PartialEntry): string {
  if (e.kind === 'journal') return e.sql;
  if (e.kind === 'setting') return `${e.sql};`;
  const text = e.statement.text.trimEnd();
  // The last statement of a file may end in a line comment that would swallow the semicolon.
  const lastLine = text.slice(text.lastIndexOf('\n') + 1);
  return lastLine.includes('--') ? `${text}\n;` : `${text};`;
}
