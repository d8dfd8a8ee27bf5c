// What every format's parser produces: the migrations as the source tool sees them, before they
// become pgstrata revisions. Pure data.
import { SourceError, type Problem } from '../runner/util/errors.js';

export const FORMATS = ['golang-migrate', 'goose', 'sql-migrate', 'dbmate', 'flyway'] as const;
export type ImportFormat = (typeof FORMATS)[number];

export interface SourceSide {
  sql: string;
  /** false when the source tool runs it outside a transaction. */
  transactional: boolean;
  /** Set when `transactional` was inferred from the SQL rather than declared (golang-migrate, Flyway). */
  inferred?: string;
}

export interface SourceMigration {
  /** The version as written in the file name ("00003", "1.2", "20240101120000"). */
  version: string;
  /** What the tool writes in its own version table for it (goose's version_id, sql-migrate's file name, Flyway's version). */
  recordedAs: string;
  /** Human name: the file name's description, words separated by spaces. */
  name: string;
  /** Source files, relative to SRC. */
  files: string[];
  up: SourceSide;
  /** Undefined when the tool has no down for it (no down file, no Down section). */
  down?: SourceSide;
}

/** A source file as the parsers see it. */
export interface SourceFile {
  /** The file's name in SRC (what the tools order by). */
  name: string;
  /** How messages show it (SRC/name). */
  path: string;
  text: string;
}

export interface FormatParser {
  /** Sorts and parses every file; a file it cannot classify is added to `problems`. */
  parse(files: SourceFile[], problems: Problems): SourceMigration[];
}

/** Collects problems so that one run names every file it cannot take. */
export class Problems {
  readonly list: Problem[] = [];
  add(file: SourceFile | string, message: string, hint: string, line?: number): void {
    this.list.push({ file: typeof file === 'string' ? file : file.path, ...(line === undefined ? {} : { line }), message, hint });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new SourceError(this.list, `cannot import: ${this.list.length} problem${this.list.length === 1 ? '' : 's'}; nothing was written`);
  }
}

/** "add_users-table" -> "add users table". */
export function words(description: string): string {
  return description.replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Compares digit strings as numbers, of any length. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}
