// Column types as libpg-query writes them, and which ALTER COLUMN … TYPE changes PostgreSQL
// makes without rewriting the table. Pure: no database, no catalog. A type is what the parser
// gives (`pg_catalog.varchar` with its typmods as A_Const nodes, `int4` as written), normalised
// so that int/integer/int4 and character varying/varchar compare equal.
import { as, list, str, type Node } from './ast.js';

export interface ColumnType {
  /** The pg_type name: int4, varchar, numeric… (pg_catalog. removed). */
  name: string;
  /** A schema other than pg_catalog, when the name was qualified with one. */
  schema?: string;
  /** The typmods, e.g. [10] for varchar(10), [10, 2] for numeric(10,2); empty when unconstrained. */
  mods: number[];
  /** An array of the type (PostgreSQL ignores the number of dimensions). */
  array: boolean;
}

/** A column as declared: its type and the collation named by a COLLATE clause, if any. */
export interface TrackedColumn {
  type: ColumnType;
  collation?: string;
}

/** serial pseudo-types are their integer type plus a default and a sequence. */
const SERIAL: Record<string, string> = { smallserial: 'int2', serial2: 'int2', serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8' };

/** A TypeName node's fields as a ColumnType; undefined for anything not understood (%TYPE, odd typmods). */
export function columnType(typeName: unknown): ColumnType | undefined {
  const t = typeName as Node | undefined;
  if (!t || typeof t !== 'object' || t.pct_type !== undefined || t.setof === true) return undefined;
  const parts = list(t.names).map((n) => str(as(n, 'String')?.sval));
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => p === undefined)) return undefined;
  const [first, second] = parts as string[];
  const schema = second === undefined || first === 'pg_catalog' ? undefined : first;
  let name = (second ?? first)!;
  const mods: number[] = [];
  for (const m of list(t.typmods)) {
    const ival = as(m, 'A_Const')?.ival as Node | undefined;
    if (!ival || typeof ival !== 'object') return undefined;
    // libpg-query leaves a zero out: numeric(10,0) has `ival: {}` for its scale.
    const v = ival.ival ?? 0;
    if (typeof v !== 'number') return undefined;
    mods.push(v);
  }
  // numeric(10,0) is numeric(10).
  if (name === 'numeric' && schema === undefined && mods.length === 2 && mods[1] === 0) mods.pop();
  if (schema === undefined && SERIAL[name] !== undefined && second === undefined) {
    if (mods.length > 0) return undefined;
    name = SERIAL[name]!;
  }
  return { name, ...(schema !== undefined ? { schema } : {}), mods, array: list(t.arrayBounds).length > 0 };
}

/** The collation a ColumnDef's COLLATE clause names, as one dotted string. */
export function collationOf(col: Node): string | undefined {
  const clause = col.collClause as Node | undefined;
  if (!clause) return undefined;
  return list(clause.collname)
    .map((n) => str(as(n, 'String')?.sval) ?? '?')
    .join('.');
}

/** The ColumnDef of a CREATE TABLE or ADD COLUMN as a tracked column, when its type is understood. */
export function trackedColumn(col: Node): TrackedColumn | undefined {
  const type = columnType(col.typeName);
  if (!type) return undefined;
  const collation = collationOf(col);
  return collation === undefined ? { type } : { type, collation };
}

/** The type as one would write it, for messages. */
export function typeText(t: ColumnType): string {
  return `${t.schema ? `${t.schema}.` : ''}${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.name === b.name && a.schema === b.schema && a.array === b.array && a.mods.length === b.mods.length && a.mods.every((m, i) => m === b.mods[i]);
}

/** A length limit (varchar, varbit): unconstrained, or the one typmod. */
function limit(t: ColumnType): number | undefined | 'invalid' {
  if (t.mods.length === 0) return undefined;
  return t.mods.length === 1 ? t.mods[0]! : 'invalid';
}

/** A limit no smaller than the old one: unconstrained, or at least as long. */
function widens(from: ColumnType, to: ColumnType): boolean {
  const a = limit(from);
  const b = limit(to);
  if (a === 'invalid' || b === 'invalid') return false;
  return b === undefined || (a !== undefined && b >= a);
}

/** numeric: unconstrained, or the same scale with at least the old precision. */
function numericWidens(from: ColumnType, to: ColumnType): boolean {
  if (from.mods.length > 2 || to.mods.length > 2) return false;
  if (to.mods.length === 0) return true;
  if (from.mods.length === 0) return false;
  const [p, s = 0] = from.mods;
  const [p2, s2 = 0] = to.mods;
  return p2! >= p! && s2 === s;
}

/**
 * True when PostgreSQL changes the column's type without rewriting the table: the same type, or a
 * binary-coercible change that keeps every value valid (varchar and varbit limits that grow or go,
 * varchar to text and text to unconstrained varchar, numeric precision that grows at the same
 * scale or goes, cidr to inet). The caller has already excluded USING and a collation change.
 * Everything else counts as a rewrite, timestamp to timestamptz included (it depends on TimeZone).
 */
export function isRewriteFree(from: ColumnType, to: ColumnType): boolean {
  if (sameType(from, to)) return true;
  // Only the built-in types, and not their arrays.
  if (from.schema !== undefined || to.schema !== undefined || from.array || to.array) return false;
  const pair = `${from.name}>${to.name}`;
  switch (pair) {
    case 'varchar>varchar':
    case 'varbit>varbit':
      return widens(from, to);
    case 'varchar>text':
      return limit(from) !== 'invalid';
    case 'text>varchar':
      return to.mods.length === 0;
    case 'numeric>numeric':
      return numericWidens(from, to);
    case 'cidr>inet':
      return true;
    default:
      return false;
  }
}

/** Whether an ALTER COLUMN … TYPE (its ColumnDef) on a column known to be `old` rewrites nothing. */
export function alterTypeIsFree(old: TrackedColumn, def: Node): boolean {
  if (def.raw_default !== undefined) return false; // USING
  if (collationOf(def) !== old.collation) return false;
  const to = columnType(def.typeName);
  return to !== undefined && isRewriteFree(old.type, to);
}
