// Which tables already exist when a statement runs. The safety rules only concern tables that
// exist (and may hold rows): a table created earlier in the same file is new and empty. Every
// other table counts as existing — created by an earlier revision, or not by this history at
// all. For a down file, the tables its own up created count as new too: the down is taking
// them away again, and the state it returns to never had them.
//
// Column types (columnstate.ts) and CHECK constraints that prove a column not null
// (nullchecks.ts) are followed the same way: a file starts from the state its revision's parents
// left (for a down, the state its own up left) and advances it statement by statement.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { ColumnState, ColumnTracker } from './columnstate.js';
import { CheckState, CheckTracker } from './nullchecks.js';
import type { TrackedColumn } from './coltypes.js';
import { alterCommands, as, dotted, dropObjects, makeName, rangeVar, schemaOf, str, tableFromQuery, type Name } from './ast.js';

const columnKey = (table: Name, column: string) => `${table.key}\0${column}`;

/** The tables and enum types created so far in one file; advanced one statement at a time. */
export class FileScope {
  private readonly tables: Set<string>;
  private readonly types = new Set<string>();
  private readonly indexes = new Map<string, Name>();
  /** Columns ADD COLUMN added earlier in this file (to tables that exist). */
  private readonly addedColumns = new Set<string>();
  private readonly columns: ColumnTracker;
  private readonly checks: CheckTracker;

  constructor(initial: Iterable<string>, private readonly history?: TableHistory, columns: ColumnState = ColumnState.EMPTY, checks: CheckState = CheckState.EMPTY) {
    this.tables = new Set(initial);
    this.columns = new ColumnTracker(columns);
    this.checks = new CheckTracker(checks);
  }

  /** A valid CHECK constraint proves the column not null (so SET NOT NULL scans nothing). */
  provenNotNull(table: Name, column: string): boolean {
    return this.checks.proves(table, column);
  }

  /** The check constraints after the statements applied so far. */
  checkState(): CheckState {
    return this.checks.state();
  }

  /** A column's declared type, when the history lets it be followed; undefined when unknown. */
  column(table: Name, column: string): TrackedColumn | undefined {
    return this.columns.column(table, column);
  }

  /** The followed columns of a table in table order; undefined when the history does not follow it. */
  columnNames(table: Name): string[] | undefined {
    return this.columns.names(table);
  }

  /** The column types after the statements applied so far. */
  columnState(): ColumnState {
    return this.columns.state();
  }

  /** Created earlier in this file (or, in a down, by its up) and not dropped since. */
  isNew(table: Name): boolean {
    return this.tables.has(table.key);
  }

  /** Added by an earlier ADD COLUMN of this file and not dropped since: it holds nothing yet. */
  isNewColumn(table: Name, column: string): boolean {
    return this.addedColumns.has(columnKey(table, column));
  }

  isNewType(type: Name): boolean {
    return this.types.has(type.key);
  }

  /** The table an index belongs to, when this file or the history created the index. */
  tableOfIndex(index: Name): Name | undefined {
    return this.indexes.get(index.key) ?? this.history?.tableOfIndex(index);
  }

  /** Tables created in this file and still there at its end. */
  created(): Set<string> {
    return new Set(this.tables);
  }

  indexesCreated(): Map<string, Name> {
    return this.indexes;
  }

  /** Records what the statement creates, drops or renames. Call after the rules have seen it. */
  apply(s: ParsedStatement): void {
    this.columns.apply(s);
    this.checks.apply(s);
    const n = s.node;
    switch (s.kind) {
      case 'CreateStmt': {
        const rel = rangeVar(n.relation);
        if (!rel) return;
        // CREATE TABLE IF NOT EXISTS on a table the history made earlier changes nothing.
        if (n.if_not_exists === true && this.history?.createdBy(rel) !== undefined && !this.isNew(rel)) return;
        this.tables.add(rel.key);
        return;
      }
      case 'CreateTableAsStmt':
      case 'SelectStmt': {
        const rel = tableFromQuery(s.kind, n);
        if (rel) this.tables.add(rel.key);
        return;
      }
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_MATVIEW') for (const t of dropObjects(n)) this.tables.delete(t.key);
        if (n.removeType === 'OBJECT_TYPE') for (const t of dropObjects(n)) this.types.delete(t.key);
        return;
      case 'RenameStmt': {
        const rel = rangeVar(n.relation);
        const to = str(n.newname);
        if (n.renameType === 'OBJECT_TABLE' && rel && to !== undefined && this.tables.delete(rel.key)) this.tables.add(makeName(schemaOf(rel), to).key);
        const from = str(n.subname);
        if (n.renameType === 'OBJECT_COLUMN' && rel && from !== undefined && to !== undefined && this.addedColumns.delete(columnKey(rel, from))) this.addedColumns.add(columnKey(rel, to));
        return;
      }
      case 'AlterTableStmt': {
        const rel = rangeVar(n.relation);
        if (!rel || n.objtype !== 'OBJECT_TABLE') return;
        for (const cmd of alterCommands(n)) {
          const added = str(as(cmd.def, 'ColumnDef')?.colname);
          if (cmd.subtype === 'AT_AddColumn' && added !== undefined) this.addedColumns.add(columnKey(rel, added));
          const dropped = str(cmd.name);
          if (cmd.subtype === 'AT_DropColumn' && dropped !== undefined) this.addedColumns.delete(columnKey(rel, dropped));
        }
        return;
      }
      case 'IndexStmt': {
        const rel = rangeVar(n.relation);
        const name = str(n.idxname);
        if (rel && name !== undefined) this.indexes.set(makeName(schemaOf(rel), name).key, rel);
        return;
      }
      case 'CreateEnumStmt': {
        const type = dotted(n.typeName);
        if (type) this.types.add(type.key);
        return;
      }
    }
  }
}

/** What each revision's up creates, walked in graph order, so every file can get its scope. */
export class TableHistory {
  private readonly creator = new Map<string, string>();
  private readonly netCreated = new Map<string, Set<string>>();
  private readonly indexTables = new Map<string, Name>();
  /** The column types after each revision's up. */
  private readonly columnsAfter = new Map<string, ColumnState>();
  private readonly checksAfter = new Map<string, CheckState>();
  private readonly parentsOf = new Map<string, readonly string[]>();

  /**
   * `ups` in graph order (parents first). Without `parents` a revision is taken as a root, so
   * no column type is known when it starts.
   */
  static build(ups: { revision: string; statements: ParsedStatement[]; parents?: readonly string[] }[]): TableHistory {
    const h = new TableHistory();
    for (const { revision, statements, parents } of ups) {
      h.parentsOf.set(revision, parents ?? []);
      const scope = new FileScope([], h, h.columnsBefore(revision), h.checksBefore(revision));
      for (const s of statements) scope.apply(s);
      h.columnsAfter.set(revision, scope.columnState());
      h.checksAfter.set(revision, scope.checkState());
      const created = scope.created();
      h.netCreated.set(revision, created);
      for (const key of created) h.creator.set(key, revision);
      for (const [index, table] of scope.indexesCreated()) h.indexTables.set(index, table);
    }
    return h;
  }

  /** The revision whose up created the table, if any did. */
  createdBy(table: Name): string | undefined {
    return this.creator.get(table.key);
  }

  tableOfIndex(index: Name): Name | undefined {
    return this.indexTables.get(index.key);
  }

  /** Where an existing table comes from, for messages. */
  origin(table: Name): string {
    const r = this.createdBy(table);
    return r ? `created by ${r}` : 'not created by this history';
  }

  /** The column types an up starts from: what its parents left (unknown where they disagree). */
  private columnsBefore(revision: string): ColumnState {
    return ColumnState.merge((this.parentsOf.get(revision) ?? []).map((p) => this.columnsAfter.get(p) ?? ColumnState.EMPTY));
  }

  private checksBefore(revision: string): CheckState {
    return CheckState.merge((this.parentsOf.get(revision) ?? []).map((p) => this.checksAfter.get(p) ?? CheckState.EMPTY));
  }

  /** A fresh scope for one file: empty for an up, the up's own tables for its down. */
  scope(revision: string, side: 'up' | 'down'): FileScope {
    if (side === 'down') return new FileScope(this.netCreated.get(revision) ?? [], this, this.columnsAfter.get(revision) ?? ColumnState.EMPTY, this.checksAfter.get(revision) ?? CheckState.EMPTY);
    return new FileScope([], this, this.columnsBefore(revision), this.checksBefore(revision));
  }
}
