// Constraints added to tables that already exist: validation scans and index builds that hold
// locks for as long as the table is big.
import { alterCommands, as, columnConstraints, str, type Node } from '../model/ast.js';
import { existingAlteredTable } from './columns.js';
import type { RuleFamily } from './context.js';

const KIND: Record<string, string> = { CONSTR_FOREIGN: 'FOREIGN KEY', CONSTR_CHECK: 'CHECK', CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_NOTNULL: 'NOT NULL' };

export const constraintRules: RuleFamily = (ctx) => ({
  statement(s) {
    const table = existingAlteredTable(ctx, s);
    // A table with no row (truncated earlier in this transaction) validates nothing.
    if (!table || s.kind !== 'AlterTableStmt' || ctx.scope.isEmpty(table)) return;
    const origin = `${table.display} already exists (${ctx.scope.origin(table)})`;
    const check = (c: Node, column: boolean) => {
      const kind = KIND[str(c.contype) ?? ''];
      const name = str(c.conname) ?? `${table.display}_…`;
      if ((c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') && c.skip_validation !== true) {
        const fix = column
          ? `Add the column without the ${kind}, then ADD CONSTRAINT … ${kind} … NOT VALID and VALIDATE CONSTRAINT it separately.`
          : `ADD CONSTRAINT ${name} … NOT VALID, then ALTER TABLE ${table.display} VALIDATE CONSTRAINT ${name} (a weaker lock), ideally in a later revision.`;
        ctx.report('constraint-not-valid', s, `${kind} constraint added without NOT VALID: every row of ${table.display} is checked while writes are blocked; ${origin}`, fix, c.location);
      }
      if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && c.indexname === undefined) {
        ctx.report('unique-constraint-using-index', s, `${kind} constraint builds its index while writes to ${table.display} are blocked; ${origin}`, `CREATE UNIQUE INDEX CONCURRENTLY first (in a \`transaction: none\` revision), then ADD CONSTRAINT ${name} ${kind} USING INDEX <that index>.`, c.location);
      }
      // PostgreSQL 18's ADD CONSTRAINT … NOT NULL is SET NOT NULL by another name.
      if (c.contype === 'CONSTR_NOTNULL' && !column && c.skip_validation !== true) {
        ctx.report('set-not-null', s, `NOT NULL constraint scans the whole of ${table.display} under an ACCESS EXCLUSIVE lock; ${origin}`, 'Add it NOT VALID and VALIDATE it separately, or use a CHECK (col IS NOT NULL) NOT VALID first.', c.location);
      }
    };
    for (const cmd of alterCommands(s.node)) {
      if (cmd.subtype === 'AT_AddConstraint') {
        const c = as(cmd.def, 'Constraint');
        if (c) check(c, false);
      } else if (cmd.subtype === 'AT_AddColumn') {
        const col = as(cmd.def, 'ColumnDef');
        // A column's NOT NULL is the not-null-column-without-default rule's business.
        if (col) for (const c of columnConstraints(col)) if (c.contype !== 'CONSTR_NOTNULL') check(c, true);
      }
    }
  },
});
