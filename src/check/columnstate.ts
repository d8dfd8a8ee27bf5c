// The declared type of every column this history can follow: columns of CREATE TABLE and ADD
// COLUMN, updated by ALTER COLUMN TYPE, RENAME COLUMN, DROP COLUMN, and table renames, moves and
// drops. A table the history did not create, or one whose columns came from elsewhere (AS
// SELECT, LIKE, INHERITS, PARTITION OF, OF type), is not tracked: its column types are unknown.
//
// ColumnState is immutable and shared between revisions: each revision's state is its parent's
// plus the tables it changed, flattened every few layers so that lookups stay short.
import type { ParsedStatement } from '../runner/sqlparse.js';
import { alterCommands, as, dropObjects, list, makeName, rangeVar, schemaOf, str, tableFromQuery, type Name, type Node } from './ast.js';
import { columnType, collationOf, trackedColumn, type TrackedColumn } from './coltypes.js';

export type Columns = ReadonlyMap<string, TrackedColumn>;

/** Layers before a state is flattened into one map. */
const MAX_DEPTH = 32;

export class ColumnState {
  static readonly EMPTY = new ColumnState(undefined, new Map(), 0);

  /** `own`: tables this layer sets; null for a table no longer tracked. */
  private constructor(
    private readonly base: ColumnState | undefined,
    private readonly own: ReadonlyMap<string, Columns | null>,
    private readonly depth: number,
  ) {}

  /** The columns of a tracked table. */
  table(key: string): Columns | undefined {
    for (let s: ColumnState | undefined = this; s; s = s.base) {
      const c = s.own.get(key);
      if (c !== undefined) return c ?? undefined;
    }
    return undefined;
  }

  /** Every tracked table. */
  tables(): Map<string, Columns> {
    const layers: ColumnState[] = [];
    for (let s: ColumnState | undefined = this; s; s = s.base) layers.push(s);
    const out = new Map<string, Columns>();
    for (const l of layers.reverse()) {
      for (const [k, v] of l.own) {
        if (v === null) out.delete(k);
        else out.set(k, v);
      }
    }
    return out;
  }

  /** This state with some tables replaced (null: no longer tracked). */
  with(changes: ReadonlyMap<string, Columns | null>): ColumnState {
    if (changes.size === 0) return this;
    if (this.depth + 1 < MAX_DEPTH) return new ColumnState(this, new Map(changes), this.depth + 1);
    const flat = this.tables();
    for (const [k, v] of changes) {
      if (v === null) flat.delete(k);
      else flat.set(k, v);
    }
    return new ColumnState(undefined, flat, 0);
  }

  /**
   * The state after several parents (a merge revision). A table keeps the columns its parents
   * agree on; a column whose type differs between them is no longer known.
   */
  static merge(parents: readonly ColumnState[]): ColumnState {
    const distinct = [...new Set(parents)];
    if (distinct.length === 0) return ColumnState.EMPTY;
    if (distinct.length === 1) return distinct[0]!;
    const merged = new Map<string, Map<string, TrackedColumn | null>>();
    for (const p of distinct) {
      for (const [table, columns] of p.tables()) {
        const m = merged.get(table) ?? new Map<string, TrackedColumn | null>();
        merged.set(table, m);
        for (const [name, col] of columns) {
          const seen = m.get(name);
          if (seen === undefined) m.set(name, col);
          else if (seen !== null && !sameColumn(seen, col)) m.set(name, null);
        }
      }
    }
    const flat = new Map<string, Columns>();
    for (const [table, m] of merged) flat.set(table, new Map([...m].filter((e): e is [string, TrackedColumn] => e[1] !== null)));
    return new ColumnState(undefined, flat, 0);
  }
}

function sameColumn(a: TrackedColumn, b: TrackedColumn): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Column state advanced one statement at a time through a file. */
export class ColumnTracker {
  private readonly changes = new Map<string, Columns | null>();

  constructor(private readonly base: ColumnState) {}

  /** The column as declared, when the history let it be followed. */
  column(table: Name, column: string): TrackedColumn | undefined {
    return this.table(table.key)?.get(column);
  }

  /** The followed columns in table order (ADD COLUMN appends, as PostgreSQL does). */
  names(table: Name): string[] | undefined {
    const columns = this.table(table.key);
    return columns ? [...columns.keys()] : undefined;
  }

  /** The state after the statements applied so far. */
  state(): ColumnState {
    return this.base.with(this.changes);
  }

  private table(key: string): Columns | undefined {
    const c = this.changes.get(key);
    return c === undefined ? this.base.table(key) : (c ?? undefined);
  }

  private set(key: string, columns: Columns | null): void {
    this.changes.set(key, columns);
  }

  private move(from: string, to: string): void {
    const columns = this.table(from);
    this.set(from, null);
    this.set(to, columns ?? null);
  }

  apply(s: ParsedStatement): void {
    const n = s.node;
    switch (s.kind) {
      case 'CreateStmt':
        return this.create(n);
      case 'CreateTableAsStmt':
      case 'SelectStmt': {
        // Its columns come from a query: nothing known about them.
        const rel = tableFromQuery(s.kind, n);
        if (rel) this.set(rel.key, null);
        return;
      }
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE') for (const t of dropObjects(n)) this.set(t.key, null);
        if (n.removeType === 'OBJECT_SCHEMA') this.dropSchemas(n);
        return;
      case 'RenameStmt':
        return this.rename(n);
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

  private create(n: Node): void {
    const rel = rangeVar(n.relation);
    if (!rel) return;
    // IF NOT EXISTS may change nothing: keep what is known, and learn nothing about a table that
    // may have been there before the history.
    if (n.if_not_exists === true) return;
    const derived = list(n.inhRelations).length > 0 || n.partbound !== undefined || n.ofTypename !== undefined || list(n.tableElts).some((e) => as(e, 'TableLikeClause') !== undefined);
    if (derived) {
      this.set(rel.key, null);
      return;
    }
    const columns = new Map<string, TrackedColumn>();
    for (const e of list(n.tableElts)) {
      const col = as(e, 'ColumnDef');
      const name = str(col?.colname);
      const tracked = col && trackedColumn(col);
      if (name !== undefined && tracked) columns.set(name, tracked);
    }
    this.set(rel.key, columns);
  }

  private dropSchemas(n: Node): void {
    const schemas = new Set(list(n.objects).map((o) => str(as(o, 'String')?.sval)));
    const tables = new Set([...this.base.tables().keys(), ...this.changes.keys()]);
    for (const key of tables) if (schemas.has(key.slice(0, key.indexOf('.')))) this.set(key, null);
  }

  private rename(n: Node): void {
    const rel = rangeVar(n.relation);
    const to = str(n.newname);
    if (!rel || to === undefined) return;
    if (n.renameType === 'OBJECT_TABLE') {
      this.move(rel.key, makeName(schemaOf(rel), to).key);
      return;
    }
    const from = str(n.subname);
    const columns = this.table(rel.key);
    if (n.renameType !== 'OBJECT_COLUMN' || from === undefined || !columns) return;
    // Renamed in place: the map's order is the table's column order.
    const next = new Map<string, TrackedColumn>();
    for (const [name, col] of columns) if (name !== to) next.set(name === from ? to : name, col);
    this.set(rel.key, next);
  }

  private alter(n: Node): void {
    const rel = rangeVar(n.relation);
    const columns = rel && this.table(rel.key);
    if (!rel || !columns) return;
    const cmds = alterCommands(n).filter((c) => c.subtype === 'AT_AddColumn' || c.subtype === 'AT_DropColumn' || c.subtype === 'AT_AlterColumnType');
    if (cmds.length === 0) return;
    const next = new Map(columns);
    for (const cmd of cmds) {
      const name = str(cmd.name);
      const def = as(cmd.def, 'ColumnDef');
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const colname = str(def?.colname);
          if (!def || colname === undefined) break;
          if (cmd.missing_ok === true && next.has(colname)) break; // ADD COLUMN IF NOT EXISTS on a known column
          const tracked = trackedColumn(def);
          if (tracked) next.set(colname, tracked);
          else next.delete(colname);
          break;
        }
        case 'AT_DropColumn':
          if (name !== undefined) next.delete(name);
          break;
        case 'AT_AlterColumnType': {
          if (name === undefined) break;
          const type = def && columnType(def.typeName);
          const collation = def && collationOf(def);
          if (type) next.set(name, collation === undefined ? { type } : { type, collation });
          else next.delete(name);
          break;
        }
      }
    }
    this.set(rel.key, next);
  }
}
