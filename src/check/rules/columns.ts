// Column changes on tables that already exist: NOT NULL without a default, SET NOT NULL, type
// changes, renames, and dropping a column in an up.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { alterCommands, as, columnConstraints, isNullConstant, list, rangeVar, str, type Name, type Node } from '../model/ast.js';
import { alterTypeIsFree, columnType, typeText } from '../model/coltypes.js';
import type { FileContext, RuleFamily } from './context.js';

/**
 * The existing table an ALTER TABLE (or RENAME) changes; undefined when it is new, not a table,
 * or IF EXISTS names one the history does not show there.
 */
export function existingAlteredTable(ctx: FileContext, s: ParsedStatement): Name | undefined {
  if (s.kind !== 'AlterTableStmt' && s.kind !== 'RenameStmt') return undefined;
  if (s.kind === 'AlterTableStmt' && s.node.objtype !== 'OBJECT_TABLE') return undefined;
  const rel = rangeVar(s.node.relation);
  if (!rel || ctx.scope.isNew(rel)) return undefined;
  return s.node.missing_ok === true && ctx.scope.absent(rel) ? undefined : rel;
}

/** NOT NULL (or PRIMARY KEY) with nothing that fills existing rows: no default, identity, generated value or serial type. */
function notNullWithoutValue(col: Node): boolean {
  const cons = columnConstraints(col);
  const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
  if (!notNull) return false;
  const filled = cons.some((c) => (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
  const typeName = list((col.typeName as Node | undefined)?.names).map((n) => str(as(n, 'String')?.sval));
  const serial = typeName.some((t) => t !== undefined && /^(small|big)?serial[248]?$/.test(t));
  return !filled && !serial && col.raw_default === undefined;
}

export const columnRules: RuleFamily = (ctx) => ({
  statement(s) {
    if (s.kind === 'RenameStmt') {
      const rel = s.node.renameType === 'OBJECT_COLUMN' ? existingAlteredTable(ctx, s) : undefined;
      if (rel) {
        ctx.report('rename-column', s, `renaming column ${rel.display}.${str(s.node.subname)} to ${str(s.node.newname)}: running code still uses the old name (${rel.display} is ${ctx.scope.origin(rel)})`);
      }
      return;
    }
    const table = existingAlteredTable(ctx, s);
    if (!table) return;
    // Rows matter to these; running code that reads a dropped column does not care.
    const empty = ctx.scope.isEmpty(table);
    const origin = `${table.display} already exists (${ctx.scope.origin(table)})`;
    for (const cmd of alterCommands(s.node)) {
      const column = str(cmd.name);
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const col = as(cmd.def, 'ColumnDef');
          if (col && !empty && notNullWithoutValue(col)) {
            const name = str(col.colname);
            ctx.report('not-null-column-without-default', s, `ADD COLUMN ${name} … NOT NULL without a default fails on any row of ${table.display}; ${origin}`, `Add ${name} nullable, backfill it with UPDATE, then SET NOT NULL — or give it a constant DEFAULT.`, col.location);
          }
          break;
        }
        case 'AT_SetNotNull':
          // A valid CHECK (col IS NOT NULL) from before this statement: PostgreSQL 12+ scans nothing.
          if (empty || (column !== undefined && ctx.scope.provenNotNull(table, column))) break;
          ctx.report('set-not-null', s, `SET NOT NULL on ${table.display}.${column} scans the whole table under an ACCESS EXCLUSIVE lock; ${origin}`, `ADD CONSTRAINT ${table.display}_${column}_nn CHECK (${column} IS NOT NULL) NOT VALID; VALIDATE it; then SET NOT NULL (no scan) and drop the check.`);
          break;
        case 'AT_AlterColumnType': {
          // Silent only when the column's current type is known and the change rewrites nothing.
          if (empty) break;
          const current = column === undefined ? undefined : ctx.scope.column(table, column);
          const def = as(cmd.def, 'ColumnDef');
          if (current && def && alterTypeIsFree(current, def)) break;
          const to = def && columnType(def.typeName);
          const what = current
            ? `changing the type of ${table.display}.${column} from ${typeText(current.type)} to ${to ? typeText(to) : 'another type'} rewrites the table under an ACCESS EXCLUSIVE lock (only a binary-compatible change without USING or a new collation is rewrite-free)`
            : `changing the type of ${table.display}.${column} rewrites the table under an ACCESS EXCLUSIVE lock unless binary-compatible (e.g. varchar(n) to text), and this history does not show the column's current type`;
          ctx.report('change-column-type', s, `${what}; ${origin}`, `Add a new column of the new type, backfill it, move the application to it, then drop ${column}.`);
          break;
        }
        case 'AT_DropColumn':
          // A column added earlier in this file (a temporary one) holds no data anyone reads.
          if (ctx.side === 'up' && !(column !== undefined && ctx.scope.isNewColumn(table, column))) {
            ctx.report('drop-column', s, `dropping ${table.display}.${column}: running code that still reads it fails, and its data is gone; ${origin}`, `Release code that no longer uses ${column} first, then drop it — and say so: \`-- pgstrata-ignore: drop-column — <why it is safe>\`.`);
          }
          break;
      }
    }
  },
});
