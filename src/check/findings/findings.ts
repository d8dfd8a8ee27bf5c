// A finding is one thing `check` reports: where, which rule, how bad, and what to do instead.
// Everything else in src/check produces findings; format.ts turns them into output.
import { ruleInfo, type Severity } from './catalog.js';

export type { Severity };

export interface Finding {
  /** The file as shown to the user (relative to the working directory). */
  file: string;
  line?: number;
  column?: number;
  rule: string;
  severity: Severity;
  message: string;
  /** One line: the safe way to do what the statement wanted. */
  fix: string;
  /** The revision the file belongs to, when known. */
  revision?: string;
}

/** Where a finding points: a Problem, a SqlLocation or a statement's position will do. */
export interface At {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

/** A finding of `rule`, with the rule's severity and, unless a more specific one is given, its fix. */
export function finding(rule: string, at: At, message: string, more: { fix?: string | undefined; revision?: string | undefined } = {}): Finding {
  const info = ruleInfo(rule);
  return {
    file: at.file,
    ...(at.line !== undefined ? { line: at.line } : {}),
    ...(at.column !== undefined ? { column: at.column } : {}),
    rule,
    severity: info.severity,
    message,
    fix: more.fix ?? info.fix,
    ...(more.revision !== undefined ? { revision: more.revision } : {}),
  };
}

/** Files in name order, then by position; file-level findings (no line) first within a file. */
function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const line = (a.line ?? 0) - (b.line ?? 0);
  if (line !== 0) return line;
  const column = (a.column ?? 0) - (b.column ?? 0);
  if (column !== 0) return column;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Sorted findings grouped by file, in file order. */
export function groupByFile(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(findings)) {
    const g = groups.get(f.file);
    if (g) g.push(f);
    else groups.set(f.file, [f]);
  }
  return groups;
}

export function countBySeverity(findings: Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return { errors, warnings: findings.length - errors };
}

/** `file:line:col`, or as much of it as is known. */
export function where(f: Pick<Finding, 'file' | 'line' | 'column'>): string {
  if (f.line === undefined) return f.file;
  return f.column === undefined ? `${f.file}:${f.line}` : `${f.file}:${f.line}:${f.column}`;
}
