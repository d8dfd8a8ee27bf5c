// ALTER TYPE … ADD VALUE inside a transaction: the new value cannot be used before COMMIT
// (SQLSTATE 55P04, "unsafe use of new value"), unless the type was created in the same
// transaction.
import type { ParsedStatement } from '../../runner/sqlparse.js';
import { dotted, str, stringLiterals } from '../ast.js';
import type { RuleFamily } from './context.js';

export const enumRules: RuleFamily = (ctx) => {
  // value -> [type, where it was added]
  const added = new Map<string, { type: string; at: ParsedStatement }>();
  return {
    statement(s) {
      if (!ctx.transactional) return;
      if (s.kind === 'AlterEnumStmt' && s.node.oldVal === undefined) {
        const type = dotted(s.node.typeName);
        const value = str(s.node.newVal);
        if (type && value !== undefined && !ctx.scope.isNewType(type)) added.set(value, { type: type.display, at: s });
        return;
      }
      if (added.size === 0) return;
      for (const literal of stringLiterals(s.node)) {
        const a = added.get(literal);
        if (!a) continue;
        ctx.report('enum-value-same-transaction', s, `'${literal}' was added to enum ${a.type} at line ${a.at.line} of this file; PostgreSQL refuses to use it before that transaction commits`, `Add the value in a revision of its own (or one with \`-- transaction: none\`) and use it in a later revision.`);
        added.delete(literal);
      }
    },
  };
};
