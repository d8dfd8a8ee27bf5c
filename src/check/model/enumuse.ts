// Where a statement uses a string literal as a value of an enum (or any named) type: cast to it
// ('b'::mood, CAST('b' AS mood), mood 'b'), compared with a column of that type (=, <>, IN …),
// assigned to one (UPDATE … SET, ON CONFLICT DO UPDATE, a column DEFAULT) or inserted into one
// (INSERT … VALUES). Column types come from the history (columnstate.ts); a column it cannot
// follow uses nothing. Pure: the AST and a column-type lookup.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { alterCommands, as, columnConstraints, list, rangeVar, str, type Name, type Node } from './ast.js';
import { columnType, type ColumnType } from './coltypes.js';

export interface LiteralUse {
  /** The type's key, schema-qualified as ast.ts's names are (public.mood). */
  type: string;
  value: string;
  /** UTF-8 byte offset of the literal. */
  location: number;
}

/** What the history knows of a table's columns. */
export interface ColumnLookup {
  type(table: Name, column: string): ColumnType | undefined;
  /** The column names in table order, when the history follows the table. */
  names(table: Name): string[] | undefined;
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/** A scalar type's key; arrays are not the enum itself. */
function typeKey(t: ColumnType | undefined): string | undefined {
  return t && !t.array ? `${t.schema ?? 'public'}.${t.name}` : undefined;
}

/** A string literal: its text and where it is. */
function literal(n: unknown): { value: string; location: number } | undefined {
  const c = as(n, 'A_Const');
  const value = str((c?.sval as Node | undefined)?.sval);
  return c && value !== undefined && typeof c.location === 'number' ? { value, location: c.location } : undefined;
}

interface Relation {
  name: Name;
  /** What a column reference may qualify it with: its alias, or its own name. */
  qualifier: string;
}

/** Every table the statement names (its target and its FROM, USING and JOIN items), with aliases. */
function relations(s: ParsedStatement): Relation[] {
  const out: Relation[] = [];
  const add = (rv: Node | undefined) => {
    const name = rv && rangeVar(rv);
    if (!name) return;
    const alias = str((rv.alias as Node | undefined)?.aliasname);
    out.push({ name, qualifier: alias ?? name.key.slice(name.key.indexOf('.') + 1) });
  };
  add(s.node.relation as Node | undefined);
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      add(as(n, 'RangeVar'));
      for (const v of Object.values(n as Node)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(s.node);
  return out;
}

export function literalUses(s: ParsedStatement, columns: ColumnLookup): LiteralUse[] {
  const typeOf = (t: Name, c: string) => columns.type(t, c);
  const uses: LiteralUse[] = [];
  const rels = relations(s);
  const use = (type: string | undefined, n: unknown) => {
    const l = type && literal(n);
    if (l) uses.push({ type: type!, ...l });
  };
  /** The type of a column reference (`m`, `x.m`, `s.t.m`) on one of the statement's tables. */
  const refType = (n: unknown): string | undefined => {
    const fields = list(as(n, 'ColumnRef')?.fields).map((f) => str(as(f, 'String')?.sval));
    if (fields.length === 0 || fields.length > 3 || fields.some((f) => f === undefined)) return undefined;
    const [column, qualifier] = [fields[fields.length - 1]!, fields.length > 1 ? fields[fields.length - 2] : undefined];
    for (const r of rels) {
      if (qualifier !== undefined && qualifier !== r.qualifier) continue;
      const t = typeKey(typeOf(r.name, column));
      if (t) return t;
    }
    return undefined;
  };
  const target = rangeVar(s.node.relation);
  const assign = (targets: unknown) => {
    for (const t of list(targets)) {
      const rt = as(t, 'ResTarget');
      const column = str(rt?.name);
      if (target && column !== undefined) use(typeKey(typeOf(target, column)), rt!.val);
    }
  };
  /** A column's DEFAULT, in CREATE TABLE or ADD COLUMN: of the column's own type. */
  const columnDef = (def: Node) => {
    const own = typeKey(columnType(def.typeName));
    use(own, def.raw_default);
    for (const c of columnConstraints(def)) if (c.contype === 'CONSTR_DEFAULT') use(own, c.raw_expr);
  };

  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const cast = as(n, 'TypeCast');
    if (cast) use(typeKey(columnType(cast.typeName)), cast.arg);
    const expr = as(n, 'A_Expr');
    if (expr) {
      const op = str(as(list(expr.name)[0], 'String')?.sval);
      const compares = expr.kind === 'AEXPR_IN' || expr.kind === 'AEXPR_DISTINCT' || expr.kind === 'AEXPR_NOT_DISTINCT' || expr.kind === 'AEXPR_NULLIF' || (expr.kind === 'AEXPR_OP' && op !== undefined && COMPARISONS.has(op));
      if (compares) {
        for (const [column, value] of [[expr.lexpr, expr.rexpr], [expr.rexpr, expr.lexpr]] as const) {
          const t = refType(column);
          if (!t) continue;
          const items = as(value, 'List');
          for (const v of items ? list(items.items) : [value]) use(t, v);
        }
      }
    }
    const def = as(n, 'ColumnDef');
    if (def) columnDef(def);
    for (const v of Object.values(n as Node)) if (v && typeof v === 'object') walk(v);
  };
  walk(s.node);

  switch (s.kind) {
    case 'UpdateStmt':
      assign(s.node.targetList);
      break;
    case 'InsertStmt':
      if (target) insert(s.node, target, columns, use);
      assign((s.node.onConflictClause as Node | undefined)?.targetList);
      break;
    case 'AlterTableStmt':
      for (const cmd of alterCommands(s.node)) {
        const column = str(cmd.name);
        if (cmd.subtype === 'AT_ColumnDefault' && target && column !== undefined) use(typeKey(typeOf(target, column)), cmd.def);
      }
      break;
  }
  return uses;
}

/** INSERT … VALUES: each value goes to the column at its position (without a column list, in table order). */
function insert(n: Node, target: Name, columns: ColumnLookup, use: (type: string | undefined, n: unknown) => void): void {
  const rows = list(as(n.selectStmt, 'SelectStmt')?.valuesLists).map((r) => list(as(r, 'List')?.items));
  if (rows.length === 0) return;
  const named = list(n.cols).map((c) => str(as(c, 'ResTarget')?.name));
  const order = named.length > 0 ? named : (columns.names(target) ?? []);
  for (const row of rows) {
    row.forEach((v, i) => {
      const column = order[i];
      if (column !== undefined) use(typeKey(columns.type(target, column)), v);
    });
  }
}
