// Everything the CLI prints. Results go to stdout (one JSON document with --json), errors to
// stderr; every line passes the redactor, so a password cannot slip out through a message, and a
// --json document is redacted value by value before it is serialised, so it always parses.
import { DirtyError, DriftError, MigrationError, SourceError, isPgstrataError, type Problem } from '../runner/util/errors.js';
import { redactForeign, redactText, redactValue } from '../runner/util/redact.js';
import type { RunResult, StepResult } from '../runner/commands/runner.js';
import type { NewRevision } from '../runner/commands/scaffold.js';

export function out(text: string): void {
  process.stdout.write(redactText(text.endsWith('\n') ? text : `${text}\n`));
}

export function err(text: string): void {
  process.stderr.write(redactText(text.endsWith('\n') ? text : `${text}\n`));
}

export function json(value: unknown): void {
  process.stdout.write(`${JSON.stringify(redactValue(value), null, 2)}\n`);
}

export function stepLine(s: StepResult): string {
  const arrow = s.direction === 'up' ? 'up  ' : 'down';
  const time = s.durationMs === undefined ? '' : `  (${s.durationMs} ms)`;
  const notes = [s.transactional === false ? 'transaction: none' : '', s.resumedAt !== undefined ? `resumed at statement ${s.resumedAt}` : ''].filter(Boolean);
  return `  ${arrow} ${s.revision}  ${s.message}${time}${notes.length ? `  [${notes.join('; ')}]` : ''}`;
}

export function runSummary(verb: string, result: RunResult, nothing: string): string {
  if (result.steps.length === 0) return nothing;
  // Revisions, not steps: a redo is two steps (down, up) of one revision.
  const n = new Set(result.steps.map((s) => s.revision)).size;
  const noun = `revision${n === 1 ? '' : 's'}`;
  if (result.dryRun) return [`Would ${verb} ${n} ${noun} (dry run; nothing was executed):`, ...result.steps.map(stepLine)].join('\n');
  const total = result.steps.reduce((t, s) => t + (s.durationMs ?? 0), 0);
  return `${n} ${noun} ${verb === 'apply' ? 'applied' : verb === 'revert' ? 'reverted' : 'processed'} in ${total} ms.`;
}

/** What `new` and `merge` wrote, or with --dry-run would write. */
export function createdLines(c: NewRevision, dryRun: boolean, parentLabel: 'parent' | 'parents'): string[] {
  return [
    dryRun ? 'Would create (dry run; nothing was written):' : 'Created:',
    `  ${c.upFile}`,
    `  ${c.downFile}`,
    `revision: ${c.revision}${dryRun ? ' (a real run picks a fresh id)' : ''}`,
    `${parentLabel}: ${c.parents.join(', ') || 'none (first revision)'}`,
  ];
}

/** What to do about an INVALID index a failed statement left, live and in `status`. */
export function invalidIndexAdvice(index: string, direction: 'up' | 'down', resumeRebuilds: boolean): string {
  const left = `The failed statement left the INVALID index ${index} behind (unused by queries, still maintained on writes).`;
  if (!resumeRebuilds) return `${left} Drop it before resuming: DROP INDEX CONCURRENTLY ${index};`;
  return `${left} \`pgstrata ${direction} --resume\` drops it before running the statement again; to finish or undo by hand instead, start with DROP INDEX CONCURRENTLY ${index};`;
}

function problemLine(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  return `${where}: ${p.message}${p.hint ? `\n    ${p.hint}` : ''}`;
}

/** The human report of a failure, for stderr. */
export function describeError(e: unknown): string {
  if (e instanceof MigrationError) {
    const { location: loc, db } = e;
    const where = [loc.file, loc.line, loc.line !== undefined ? loc.column : undefined].filter((x) => x !== undefined).join(':');
    const lines = [`error: ${e.direction} ${e.revision} failed`, `${where}: ERROR${db.sqlstate ? ` ${db.sqlstate}` : ''}: ${db.message}`];
    if (db.detail) lines.push(`  DETAIL: ${db.detail}`);
    if (db.hint) lines.push(`  HINT: ${db.hint}`);
    if (db.where) lines.push(`  WHERE: ${db.where.replace(/\n/g, '\n         ')}`);
    lines.push(`${e.outcome}.`);
    for (const index of e.partial?.invalidIndexes ?? []) lines.push(invalidIndexAdvice(index, e.direction, e.partial!.resumeRebuilds));
    return lines.join('\n');
  }
  if (e instanceof SourceError) return [`error: ${e.message}`, ...e.problems.map(problemLine)].join('\n');
  if (e instanceof DriftError) {
    return [
      `error: ${e.message}; nothing was run`,
      ...e.items.map((d) => `${d.file}: ${d.kind === 'changed' ? 'changed since it was applied' : 'file is missing'} (revision ${d.revision})`),
      'Put the files back as they were applied (git log -p shows what changed), or pass --allow-drift to go on anyway.',
    ].join('\n');
  }
  if (e instanceof DirtyError) return `error: ${e.message}\n${e.hint}`;
  if (isPgstrataError(e)) return `error: ${e.message}`;
  return `error: ${foreignMessage(e)}`;
}

/** The machine-readable form of a failure, for --json. */
export function errorDocument(e: unknown): Record<string, unknown> {
  const base = { ok: false, code: isPgstrataError(e) ? e.code : 'internal', message: isPgstrataError(e) ? e.message : foreignMessage(e) };
  if (e instanceof MigrationError) return { ...base, revision: e.revision, direction: e.direction, location: e.location, database: e.db, outcome: e.outcome, ...(e.partial ? { partial: e.partial } : {}) };
  if (e instanceof DirtyError) return { ...base, dirty: e.dirty, hint: e.hint };
  if (e instanceof SourceError) return { ...base, problems: e.problems };
  if (e instanceof DriftError) return { ...base, drift: e.items };
  return base;
}

/** An error pgstrata did not make (a driver's, Node's): its text may quote a password. */
function foreignMessage(e: unknown): string {
  return redactForeign(e instanceof Error ? e.message : String(e));
}
