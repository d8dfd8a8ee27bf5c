// The formats that keep up and down in one file, split by comment annotations (goose's
// `-- +goose Up`, sql-migrate's `-- +migrate Up`, dbmate's `-- migrate:up`). Each format says how to
// read one annotation line; this module splits the file into its sections and drops the
// annotations, which mean nothing to pgstrata (it splits statements with PostgreSQL's parser).
import { hasStatement } from '../runner/source/sqltext.js';
import type { Problems, SourceFile, SourceSide } from './model.js';

export type Annotation =
  | { kind: 'up' | 'down'; transactional?: boolean }
  | { kind: 'statement-begin' | 'statement-end' | 'no-transaction' }
  | { kind: 'refused'; why: string; hint: string }
  | { kind: 'unknown' };

export interface Sections {
  up?: SourceSide;
  down?: SourceSide;
  /** The file says, outside any section, that it runs without a transaction (goose's NO TRANSACTION). */
  noTransaction: boolean;
}

/**
 * `annotation` returns undefined for a line that is not an annotation of this format at all, and
 * `{kind: 'unknown'}` for one that looks like its annotation but is not one it knows.
 */
export function splitSections(file: SourceFile, problems: Problems, tool: string, annotation: (line: string) => Annotation | undefined): Sections {
  const result: Sections = { noTransaction: false };
  const bodies: Record<'up' | 'down', string[]> = { up: [], down: [] };
  const before: string[] = [];
  let current: 'up' | 'down' | undefined;
  const seen = new Set<string>();
  const declaredNoTx = { up: false, down: false };
  const lines = file.text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const a = annotation(line);
    if (!a) {
      (current ? bodies[current] : before).push(line);
      return;
    }
    const at = i + 1;
    switch (a.kind) {
      case 'up':
      case 'down':
        if (seen.has(a.kind)) problems.add(file, `a second ${tool} ${a.kind === 'up' ? 'Up' : 'Down'} annotation`, `Keep one ${a.kind === 'up' ? 'Up' : 'Down'} section per file, as ${tool} requires.`, at);
        seen.add(a.kind);
        current = a.kind;
        if (a.transactional === false) declaredNoTx[a.kind] = true;
        return;
      case 'no-transaction':
        result.noTransaction = true;
        return;
      case 'statement-begin':
      case 'statement-end':
        return;
      case 'refused':
        problems.add(file, a.why, a.hint, at);
        return;
      case 'unknown':
        problems.add(file, `"${line.trim()}" is not a ${tool} annotation pgstrata knows`, `Fix the annotation, or write it as a plain comment.`, at);
    }
  });
  if (!seen.has('up')) {
    problems.add(file, `no ${tool} Up annotation`, `${tool} needs one to know what to run; add it above the forward SQL.`);
    return result;
  }
  if (hasStatement(before.join('\n'))) {
    const line = before.findIndex((l) => hasStatement(l)) + 1;
    problems.add(file, 'SQL before the first annotation belongs to no section', 'Move it under the Up (or Down) annotation.', line);
  }
  result.up = { sql: joined(bodies.up), transactional: !(result.noTransaction || declaredNoTx.up) };
  if (seen.has('down')) result.down = { sql: joined(bodies.down), transactional: !(result.noTransaction || declaredNoTx.down) };
  return result;
}

/** A section's lines without the blank lines around them, ending in a newline. */
function joined(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return start === end ? '' : `${lines.slice(start, end).join('\n')}\n`;
}
