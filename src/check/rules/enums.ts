// ALTER TYPE … ADD VALUE inside a transaction: the new value cannot be used before COMMIT
// (SQLSTATE 55P04, "unsafe use of new value"), unless the type was created in the same
// transaction. A use is the literal where it is a value of that enum (enumuse.ts), not any
// string that happens to be spelled the same; every use is reported.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { dotted, str } from '../model/ast.js';
import { literalUses, type ColumnLookup } from '../model/enumuse.js';
import type { RuleFamily } from './context.js';

export const enumRules: RuleFamily = (ctx) => {
  // type key -> value -> where it was added
  const added = new Map<string, { display: string; values: Map<string, ParsedStatement> }>();
  const columns: ColumnLookup = { type: (t, c) => ctx.scope.column(t, c)?.type, names: (t) => ctx.scope.columnNames(t) };
  return {
    statement(s) {
      if (!ctx.transactional) return;
      if (s.kind === 'AlterEnumStmt' && s.node.oldVal === undefined) {
        const type = dotted(s.node.typeName);
        const value = str(s.node.newVal);
        if (!type || value === undefined || ctx.scope.isNewType(type)) return;
        const entry = added.get(type.key) ?? { display: type.display, values: new Map() };
        entry.values.set(value, s);
        added.set(type.key, entry);
        return;
      }
      if (added.size === 0) return;
      for (const use of literalUses(s, columns)) {
        const type = added.get(use.type);
        const at = type?.values.get(use.value);
        if (!at) continue;
        ctx.report('enum-value-same-transaction', s, `'${use.value}' was added to enum ${type!.display} at line ${at.line} of this file; PostgreSQL refuses to use it before that transaction commits`, `Add the value in a revision of its own (or one with \`-- transaction: none\`) and use it in a later revision.`, use.location);
      }
    },
  };
};
