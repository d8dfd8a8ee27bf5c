// Which tables already exist when a statement runs. The safety rules only concern tables that
// exist (and may hold rows): a table created earlier in the same file is new and empty. Every
// other table counts as existing — created by an earlier revision, or not by this history at
// all. For a down file, the tables its own up created count as new too: the down is taking
// them away again, and the state it returns to never had them.
//
// A table truncated earlier in the file's transaction holds no row either, for the rules that
// care about rows. Column types (columnstate.ts), CHECK constraints that prove a column not null
// (nullchecks.ts) and each table's creator and indexes (origins.ts) are followed the same way:
// a file starts from the state its revision's parents left (for a down, the state its own up
// left) and advances it statement by statement.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { ColumnState, ColumnTracker } from './columnstate.js';
import { CheckState, CheckTracker } from './nullchecks.js';
import type { TrackedColumn } from './coltypes.js';
import { alterCommands, as, dotted, dropObjects, list, makeName, rangeVar, schemaOf, str, tableFromQuery, type Name } from './ast.js';
import { OriginState, OriginTracker, originText } from './origins.js';

const columnKey = (table: Name, column: string) => `${table.key}\0${column}`;

/** The tables of a list of RangeVars (TRUNCATE's). */
const rels = (items: unknown): Name[] => list(items).map((r) => rangeVar(r)).filter((r): r is Name => r !== undefined);

/** Where a file runs: its revision, and whether in one transaction. */
export interface ScopeOptions {
  revision: string;
  /** False for `transaction: none`: between its statements other sessions may write. */
  transactional?: boolean;
  columns?: ColumnState;
  checks?: CheckState;
  origins?: OriginState;
}

/** The tables and enum types created so far in one file; advanced one statement at a time. */
export class FileScope {
  private readonly tables: Set<string>;
  private readonly types = new Set<string>();
  /** Tables emptied by a TRUNCATE earlier in this transaction, with rows inserted into none since. */
  private readonly emptied = new Set<string>();
  /** Columns ADD COLUMN added earlier in this file (to tables that exist). */
  private readonly addedColumns = new Set<string>();
  private readonly columns: ColumnTracker;
  private readonly checks: CheckTracker;
  private readonly origins: OriginTracker;
  private readonly transactional: boolean;

  constructor(initial: Iterable<string>, options: ScopeOptions) {
    this.tables = new Set(initial);
    this.columns = new ColumnTracker(options.columns ?? ColumnState.EMPTY);
    this.checks = new CheckTracker(options.checks ?? CheckState.EMPTY);
    this.origins = new OriginTracker(options.origins ?? OriginState.EMPTY, options.revision);
    this.transactional = options.transactional ?? true;
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

  /**
   * Holds no row: new, or truncated earlier in this transaction and not written to since. The
   * TRUNCATE's ACCESS EXCLUSIVE lock is held to the end of the transaction, so what follows on
   * the table scans nothing and blocks nobody further.
   */
  isEmpty(table: Name): boolean {
    return this.tables.has(table.key) || this.emptied.has(table.key);
  }

  /**
   * Under IF EXISTS: true when the history does not show the table here (it never created it,
   * or dropped it), so the statement is taken to do nothing. Without IF EXISTS a table the
   * history never mentioned counts as existing.
   */
  absent(table: Name): boolean {
    return !this.tables.has(table.key) && !this.origins.exists(table);
  }

  /** Where an existing table comes from, for messages. */
  origin(table: Name): string {
    return originText(this.origins.origin(table));
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
    return this.origins.tableOfIndex(index);
  }

  /** Tables created in this file and still there at its end. */
  created(): Set<string> {
    return new Set(this.tables);
  }

  /** Tables and indexes after the statements applied so far. */
  originState(): OriginState {
    return this.origins.state();
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
        // CREATE TABLE IF NOT EXISTS on a table the history shows here changes nothing.
        if (n.if_not_exists === true && this.origins.exists(rel) && !this.isNew(rel)) return;
        return this.create(rel);
      }
      case 'CreateTableAsStmt':
      case 'SelectStmt': {
        const rel = tableFromQuery(s.kind, n);
        if (rel) this.create(rel);
        // SELECT … INTO makes a table; a plain SELECT may call functions that write anywhere.
        else if (s.kind === 'SelectStmt') this.emptied.clear();
        return;
      }
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_MATVIEW') for (const t of dropObjects(n)) this.drop(t);
        if (n.removeType === 'OBJECT_INDEX') for (const i of dropObjects(n)) this.origins.indexDropped(i);
        if (n.removeType === 'OBJECT_TYPE') for (const t of dropObjects(n)) this.types.delete(t.key);
        return;
      case 'RenameStmt': {
        const rel = rangeVar(n.relation);
        const to = str(n.newname);
        if (!rel || to === undefined) return;
        const renamed = makeName(schemaOf(rel), to);
        if (n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_MATVIEW') this.move(rel, renamed);
        if (n.renameType === 'OBJECT_INDEX') this.origins.indexMoved(rel, renamed);
        const from = str(n.subname);
        if (n.renameType === 'OBJECT_COLUMN' && from !== undefined && this.addedColumns.delete(columnKey(rel, from))) this.addedColumns.add(columnKey(rel, to));
        return;
      }
      case 'AlterObjectSchemaStmt': {
        const rel = rangeVar(n.relation);
        const schema = str(n.newschema);
        if (n.objectType === 'OBJECT_TABLE' && rel && schema !== undefined) this.move(rel, makeName(schema, rel.key.slice(rel.key.indexOf('.') + 1)));
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
        if (rel && name !== undefined) this.origins.indexCreated(makeName(schemaOf(rel), name), rel);
        return;
      }
      case 'CreateEnumStmt': {
        const type = dotted(n.typeName);
        if (type) this.types.add(type.key);
        return;
      }
      case 'TruncateStmt':
        // Outside a transaction other sessions may insert before the next statement runs.
        if (this.transactional) for (const t of rels(n.relations)) this.emptied.add(t.key);
        return;
      case 'InsertStmt':
      case 'MergeStmt': {
        const rel = rangeVar(n.relation);
        if (rel) this.emptied.delete(rel.key);
        return;
      }
      case 'CopyStmt': {
        const rel = rangeVar(n.relation);
        if (rel && n.is_from === true) this.emptied.delete(rel.key);
        return;
      }
      case 'DoStmt':
      case 'CallStmt':
        // Code that may write to any table.
        this.emptied.clear();
        return;
    }
  }

  private create(table: Name): void {
    this.tables.add(table.key);
    this.emptied.delete(table.key);
    this.origins.created(table);
  }

  private drop(table: Name): void {
    this.tables.delete(table.key);
    this.emptied.delete(table.key);
    this.origins.dropped(table);
  }

  /** A rename or SET SCHEMA: what is known of the table goes with it. */
  private move(from: Name, to: Name): void {
    if (this.tables.delete(from.key)) this.tables.add(to.key);
    if (this.emptied.delete(from.key)) this.emptied.add(to.key);
    const prefix = columnKey(from, '');
    for (const key of [...this.addedColumns]) {
      if (!key.startsWith(prefix)) continue;
      this.addedColumns.delete(key);
      this.addedColumns.add(columnKey(to, key.slice(prefix.length)));
    }
    this.origins.moved(from, to);
  }
}

/** What each revision's up creates, walked in graph order, so every file can get its scope. */
export class TableHistory {
  private readonly netCreated = new Map<string, Set<string>>();
  /** The state after each revision's up. */
  private readonly columnsAfter = new Map<string, ColumnState>();
  private readonly checksAfter = new Map<string, CheckState>();
  private readonly originsAfter = new Map<string, OriginState>();
  private readonly parentsOf = new Map<string, readonly string[]>();

  /**
   * `ups` in graph order (parents first). Without `parents` a revision is taken as a root, so
   * nothing the history made is known when it starts.
   */
  static build(ups: { revision: string; statements: ParsedStatement[]; parents?: readonly string[]; transactional?: boolean }[]): TableHistory {
    const h = new TableHistory();
    for (const { revision, statements, parents, transactional } of ups) {
      h.parentsOf.set(revision, parents ?? []);
      const scope = h.scope(revision, 'up', transactional);
      for (const s of statements) scope.apply(s);
      h.columnsAfter.set(revision, scope.columnState());
      h.checksAfter.set(revision, scope.checkState());
      h.originsAfter.set(revision, scope.originState());
      h.netCreated.set(revision, scope.created());
    }
    return h;
  }

  /** The state an up starts from: what its parents left (unknown where they disagree). */
  private before(revision: string): ScopeOptions {
    const parents = this.parentsOf.get(revision) ?? [];
    return {
      revision,
      columns: ColumnState.merge(parents.map((p) => this.columnsAfter.get(p) ?? ColumnState.EMPTY)),
      checks: CheckState.merge(parents.map((p) => this.checksAfter.get(p) ?? CheckState.EMPTY)),
      origins: OriginState.merge(parents.map((p) => this.originsAfter.get(p) ?? OriginState.EMPTY)),
    };
  }

  /** A fresh scope for one file: empty for an up, the up's own tables for its down. */
  scope(revision: string, side: 'up' | 'down', transactional = true): FileScope {
    if (side === 'up') return new FileScope([], { ...this.before(revision), transactional });
    const after = { columns: this.columnsAfter.get(revision), checks: this.checksAfter.get(revision), origins: this.originsAfter.get(revision) };
    return new FileScope(this.netCreated.get(revision) ?? [], { revision, transactional, ...after });
  }
}
