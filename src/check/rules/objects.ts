// Whole-table operations on tables that already exist: building an index without
// CONCURRENTLY, renaming a table, and dropping one in an up.
import { dropObjects, rangeVar, str } from '../model/ast.js';
import { existingAlteredTable } from './columns.js';
import type { RuleFamily } from './context.js';

export const objectRules: RuleFamily = (ctx) => ({
  statement(s) {
    const n = s.node;
    if (s.kind === 'IndexStmt' && n.concurrent !== true) {
      const rel = rangeVar(n.relation);
      // A table truncated earlier in this transaction: the build reads no row, and the lock is already held.
      if (rel && !ctx.scope.isEmpty(rel)) {
        const index = str(n.idxname) ?? '';
        ctx.report('create-index-concurrently', s, `CREATE ${n.unique === true ? 'UNIQUE ' : ''}INDEX ${index} blocks every write to ${rel.display} until it is built; ${rel.display} already exists (${ctx.scope.origin(rel)})`, `CREATE ${n.unique === true ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${index} in a revision of its own with \`-- transaction: none\`.`);
      }
    } else if (s.kind === 'RenameStmt' && n.renameType === 'OBJECT_TABLE') {
      const rel = existingAlteredTable(ctx, s);
      if (rel) {
        ctx.report('rename-table', s, `renaming table ${rel.display} to ${str(n.newname)}: running code still uses the old name (${rel.display} is ${ctx.scope.origin(rel)})`, `Create ${str(n.newname)} as a view of ${rel.display} (or the reverse), move the application over, then swap.`);
      }
    } else if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_TABLE' && ctx.side === 'up') {
      for (const t of dropObjects(n)) {
        if (ctx.scope.isNew(t) || (n.missing_ok === true && ctx.scope.absent(t))) continue;
        ctx.report('drop-table', s, `dropping table ${t.display}: running code that still uses it fails, and its rows are gone (${t.display} is ${ctx.scope.origin(t)})`, `Release code that no longer uses ${t.display} first, then drop it — and say so: \`-- pgstrata-ignore: drop-table — <why it is safe>\`.`);
      }
    }
  },
});
