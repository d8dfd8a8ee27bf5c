// Small, typed reads of libpg-query's JSON AST. A node is `{ TypeName: { …fields } }`; a
// statement from sqlparse.ts is already unwrapped into `kind` and `node`.

export type Node = Record<string, unknown>;

/** A table (or index, type) name: `key` is schema-qualified for lookups, `display` as written. */
export interface Name {
  key: string;
  display: string;
}

/** [type, fields] of a wrapped node, or undefined. */
function unwrap(n: unknown): [string, Node] | undefined {
  if (!n || typeof n !== 'object') return undefined;
  const e = Object.entries(n as Node)[0];
  return e && e[1] && typeof e[1] === 'object' ? [e[0], e[1] as Node] : undefined;
}

/** The fields of a wrapped node of the given type. */
export function as(n: unknown, type: string): Node | undefined {
  const u = unwrap(n);
  return u && u[0] === type ? u[1] : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The schema a name's key says (public when it was unqualified). */
export function schemaOf(n: Name): string {
  return n.key.slice(0, n.key.indexOf('.'));
}

/** Unqualified names live in public: pgstrata does not know the search_path a file runs with. */
export function makeName(schema: string | undefined, name: string): Name {
  return { key: `${schema ?? 'public'}.${name}`, display: schema && schema !== 'public' ? `${schema}.${name}` : name };
}

/** A RangeVar (the fields of one, or a wrapped one). */
export function rangeVar(v: unknown): Name | undefined {
  const rv = (as(v, 'RangeVar') ?? v) as Node | undefined;
  const name = str(rv?.relname);
  return name === undefined ? undefined : makeName(str(rv?.schemaname), name);
}

/** The table CREATE TABLE … AS (or CREATE MATERIALIZED VIEW) or SELECT … INTO creates from a query. */
export function tableFromQuery(kind: string, n: Node): Name | undefined {
  if (kind === 'CreateTableAsStmt') return rangeVar((n.into as Node | undefined)?.rel);
  if (kind === 'SelectStmt') return rangeVar((n.intoClause as Node | undefined)?.rel);
  return undefined;
}

/** A dotted name given as a list of String nodes (DropStmt objects, type names). */
export function dotted(items: unknown): Name | undefined {
  const parts = list(items).map((i) => str(as(i, 'String')?.sval));
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const names = parts as string[];
  return makeName(names.length > 1 ? names[names.length - 2] : undefined, names[names.length - 1]!);
}

/** The objects of a DropStmt as names (each is a List of Strings, or a TypeName for types). */
export function dropObjects(stmt: Node): Name[] {
  return list(stmt.objects)
    .map((o) => dotted(as(o, 'List')?.items ?? as(o, 'TypeName')?.names))
    .filter((n): n is Name => n !== undefined);
}

/** ALTER TABLE's sub-commands. */
export function alterCommands(stmt: Node): Node[] {
  return list(stmt.cmds)
    .map((c) => as(c, 'AlterTableCmd'))
    .filter((c): c is Node => c !== undefined);
}

/** Constraint nodes of a ColumnDef. */
export function columnConstraints(col: Node): Node[] {
  return list(col.constraints)
    .map((c) => as(c, 'Constraint'))
    .filter((c): c is Node => c !== undefined);
}

/** True for a DEFAULT NULL (which, with NOT NULL, is no default at all). */
export function isNullConstant(expr: unknown): boolean {
  const c = as(expr, 'A_Const');
  return c !== undefined && c.isnull === true;
}
