// Checks one parsed file: runs every rule family over its statements, applies the file's
// ignore comments, and turns what is left into findings.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { lineColumnAtByte } from '../../runner/util/text.js';
import { finding, type Finding } from '../findings/findings.js';
import { FileIgnores } from '../findings/ignore.js';
import { columnRules } from '../rules/columns.js';
import { constraintRules } from '../rules/constraints.js';
import { runFamilies, type FileContext, type RuleFamily } from '../rules/context.js';
import { enumRules } from '../rules/enums.js';
import { lockRules } from '../rules/locking.js';
import { objectRules } from '../rules/objects.js';
import { transactionRules } from '../rules/transaction.js';
import type { TableHistory } from '../model/tables.js';

const FAMILIES: readonly RuleFamily[] = [transactionRules, columnRules, constraintRules, objectRules, enumRules, lockRules];

export interface ParsedFile {
  file: string;
  side: 'up' | 'down';
  revision: string;
  text: string;
  statements: ParsedStatement[];
  transactional: boolean;
  lockTimeout?: string;
}

export function checkFile(f: ParsedFile, history: TableHistory): Finding[] {
  const findings: Finding[] = [];
  const ignores = new FileIgnores(f.text);
  const ctx: FileContext = {
    revision: f.revision,
    side: f.side,
    transactional: f.transactional,
    ...(f.lockTimeout ? { lockTimeout: f.lockTimeout } : {}),
    statements: f.statements,
    scope: history.scope(f.revision, f.side, f.transactional),
    history,
    report(rule, at, message, fix, location) {
      const pos = typeof location === 'number' && location >= 0 ? lineColumnAtByte(f.text, location) : at;
      if (ignores.silences([at.line, pos.line], rule)) return;
      findings.push(finding(rule, { file: f.file, line: pos.line, column: pos.column }, message, { fix, revision: f.revision }));
    },
  };
  runFamilies(ctx, FAMILIES);
  for (const p of ignores.problems()) {
    findings.push(finding(p.rule, { file: f.file, line: p.comment.line, column: p.comment.column }, p.message, { fix: p.fix, revision: f.revision }));
  }
  return findings;
}
