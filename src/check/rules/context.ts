// What a rule family sees of one file, and how it reports. Families are created per file, so
// they can keep state across its statements (a SET lock_timeout seen, an enum value added).
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import type { FileScope, TableHistory } from '../model/tables.js';

export interface FileContext {
  revision: string;
  side: 'up' | 'down';
  /** False for `transaction: none` (the up header, or the down file's own first line). */
  transactional: boolean;
  /** The up header's lock_timeout; the runner sets it for the down too. */
  lockTimeout?: string;
  statements: ParsedStatement[];
  /** Which tables are new at the current statement. */
  scope: FileScope;
  history: TableHistory;
  /**
   * Reports a finding on a statement. `location` (a UTF-8 byte offset from the AST) points
   * inside the statement, e.g. at one column of a long ALTER TABLE.
   */
  report(rule: string, at: ParsedStatement, message: string, fix?: string, location?: unknown): void;
}

export interface FileRules {
  statement(s: ParsedStatement): void;
}

export type RuleFamily = (ctx: FileContext) => FileRules;

/** Runs the families over a file's statements, advancing the table scope after each one. */
export function runFamilies(ctx: FileContext, families: readonly RuleFamily[]): void {
  const active = families.map((f) => f(ctx));
  for (const s of ctx.statements) {
    for (const a of active) a.statement(s);
    ctx.scope.apply(s);
  }
}
