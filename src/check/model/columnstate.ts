// The declared type of every column this history can follow: columns of CREATE TABLE and ADD
// COLUMN, updated by ALTER COLUMN TYPE, RENAME COLUMN, DROP COLUMN, and table renames, moves and
// drops. A table the history did not create, or one whose columns came from elsewhere (AS
// SELECT, LIKE, INHERITS, PARTITION OF, OF type), is not tracked: its column types are unknown.
//
// ColumnState is immutable and shared between revisions: each revision's state is its parent's
// plus the tables it changed, flattened every few layers so that lookups stay short.
import { alterCommands, as, list, rangeVar, str, type Name, type Node } from './ast.js';
import { TableTracker } from './tabletracker.js';
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

  /** The keys of every tracked table. */
  keys(): Iterable<string> {
    return this.tables().keys();
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
export class ColumnTracker extends TableTracker<Columns, ColumnState> {
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

  protected create(n: Node): void {
    const rel = rangeVar(n.relation);
    if (!rel) return;
    // IF NOT EXISTS may change nothing: keep what is known, and learn nothing about a table that
    // may have been there before the history.
    if (n.if_not_exists === true) return;
    const derived = list(n.inhRelations).length > 0 || n.partbound !== undefined || n.ofTypename !== undefined || list(n.tableElts).some((e) => as(e, 'TableLikeClause') !== undefined);
    if (derived) {
      this.changes.set(rel.key, null);
      return;
    }
    const columns = new Map<string, TrackedColumn>();
    for (const e of list(n.tableElts)) {
      const col = as(e, 'ColumnDef');
      const name = str(col?.colname);
      const tracked = col && trackedColumn(col);
      if (name !== undefined && tracked) columns.set(name, tracked);
    }
    this.changes.set(rel.key, columns);
  }

  protected renameWithin(rel: Name, n: Node, to: string): void {
    const from = str(n.subname);
    const columns = this.table(rel.key);
    if (n.renameType !== 'OBJECT_COLUMN' || from === undefined || !columns) return;
    // Renamed in place: the map's order is the table's column order.
    const next = new Map<string, TrackedColumn>();
    for (const [name, col] of columns) if (name !== to) next.set(name === from ? to : name, col);
    this.changes.set(rel.key, next);
  }

  protected alter(n: Node): void {
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
    this.changes.set(rel.key, next);
  }
}
