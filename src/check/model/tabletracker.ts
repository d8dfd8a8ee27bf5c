// What the check follows per table (column types, NOT NULL checks) changes with the same
// statements: CREATE TABLE, AS SELECT / SELECT INTO, DROP TABLE and DROP SCHEMA, renames and
// moves of tables, ALTER TABLE. One dispatcher walks them; each kind of fact says only how its
// own table entry is created, altered or renamed within.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { as, dropObjects, list, makeName, rangeVar, schemaOf, str, tableFromQuery, type Name, type Node } from './ast.js';

/** An immutable state of per-table facts, keyed by schema-qualified table name. */
export interface TableFacts<T> {
  table(key: string): T | undefined;
  keys(): Iterable<string>;
}

/** Per-table facts advanced one statement at a time through a file; `changes` is what it changed. */
export abstract class TableTracker<T, S extends TableFacts<T>> {
  /** Tables this file changed; null: nothing known about it any more. */
  protected readonly changes = new Map<string, T | null>();

  constructor(protected readonly base: S) {}

  protected table(key: string): T | undefined {
    const c = this.changes.get(key);
    return c === undefined ? this.base.table(key) : (c ?? undefined);
  }

  /** CREATE TABLE (not AS SELECT). */
  protected abstract create(n: Node): void;
  /** ALTER TABLE on a table. */
  protected abstract alter(n: Node): void;
  /** A RenameStmt of something inside a table (a column, a constraint). */
  protected abstract renameWithin(table: Name, n: Node, to: string): void;

  apply(s: ParsedStatement): void {
    const n = s.node;
    switch (s.kind) {
      case 'CreateStmt':
        return this.create(n);
      case 'CreateTableAsStmt':
      case 'SelectStmt': {
        // Its columns come from a query: nothing known about them.
        const rel = tableFromQuery(s.kind, n);
        if (rel) this.changes.set(rel.key, null);
        return;
      }
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE') for (const t of dropObjects(n)) this.changes.set(t.key, null);
        if (n.removeType === 'OBJECT_SCHEMA') this.dropSchemas(n);
        return;
      case 'RenameStmt': {
        const rel = rangeVar(n.relation);
        const to = str(n.newname);
        if (!rel || to === undefined) return;
        if (n.renameType === 'OBJECT_TABLE') return this.move(rel.key, makeName(schemaOf(rel), to).key);
        return this.renameWithin(rel, n, to);
      }
      case 'AlterObjectSchemaStmt': {
        const rel = rangeVar(n.relation);
        const schema = str(n.newschema);
        if (n.objectType === 'OBJECT_TABLE' && rel && schema !== undefined) this.move(rel.key, makeName(schema, rel.key.slice(rel.key.indexOf('.') + 1)).key);
        return;
      }
      case 'AlterTableStmt':
        if (n.objtype === 'OBJECT_TABLE') this.alter(n);
        return;
    }
  }

  private move(from: string, to: string): void {
    const facts = this.table(from);
    this.changes.set(from, null);
    this.changes.set(to, facts ?? null);
  }

  private dropSchemas(n: Node): void {
    const schemas = new Set(list(n.objects).map((o) => str(as(o, 'String')?.sval)));
    for (const key of new Set([...this.base.keys(), ...this.changes.keys()])) if (schemas.has(key.slice(0, key.indexOf('.')))) this.changes.set(key, null);
  }
}
