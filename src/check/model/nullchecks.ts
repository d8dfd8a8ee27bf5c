// CHECK constraints that prove columns are not null: `CHECK (a IS NOT NULL)`, alone or ANDed with
// other conditions. PostgreSQL 12+ skips the full-table scan of SET NOT NULL when a valid one
// exists, which is the set-not-null rule's own fix. They are followed through the history like
// column types (columnstate.ts): CREATE TABLE and ADD COLUMN / ADD CONSTRAINT add them (valid,
// or not yet with NOT VALID), VALIDATE CONSTRAINT validates them, and drops and renames of
// constraints, columns, tables and schemas move or remove them. Unlike column types, they are
// followed on tables the history did not create too: the constraint itself is in the history.
//
// CheckState is immutable and shared between revisions; a revision that changes no check
// constraint keeps its parent's state.
import { alterCommands, as, columnConstraints, list, rangeVar, str, type Name, type Node } from './ast.js';
import { TableTracker } from './tabletracker.js';

export interface NullCheck {
  /** The columns it proves not null. */
  columns: readonly string[];
  /** Every column it names: dropping any of them drops the constraint. */
  refs: readonly string[];
  /** False while it is NOT VALID: rows from before it may still be null. */
  valid: boolean;
}

/** Constraint name -> what it proves, for one table. */
export type TableChecks = ReadonlyMap<string, NullCheck>;

export class CheckState {
  static readonly EMPTY = new CheckState(new Map());

  private constructor(private readonly tables: ReadonlyMap<string, TableChecks>) {}

  table(key: string): TableChecks | undefined {
    return this.tables.get(key);
  }

  keys(): IterableIterator<string> {
    return this.tables.keys();
  }

  /** This state with some tables replaced (null: nothing known any more). */
  with(changes: ReadonlyMap<string, TableChecks | null>): CheckState {
    if (changes.size === 0) return this;
    const next = new Map(this.tables);
    for (const [k, v] of changes) {
      if (v === null || v.size === 0) next.delete(k);
      else next.set(k, v);
    }
    return new CheckState(next);
  }

  /** After a merge: only what every branch agrees on (a branch may have dropped what another kept). */
  static merge(parents: readonly CheckState[]): CheckState {
    const distinct = [...new Set(parents)];
    if (distinct.length === 0) return CheckState.EMPTY;
    if (distinct.length === 1) return distinct[0]!;
    const [first, ...rest] = distinct;
    const out = new Map<string, TableChecks>();
    for (const [table, checks] of first!.tables) {
      const kept = new Map([...checks].filter(([name, c]) => rest.every((p) => same(p.table(table)?.get(name), c))));
      if (kept.size > 0) out.set(table, kept);
    }
    return new CheckState(out);
  }
}

function same(a: NullCheck | undefined, b: NullCheck): boolean {
  return a !== undefined && a.valid === b.valid && a.columns.join('\0') === b.columns.join('\0') && a.refs.join('\0') === b.refs.join('\0');
}

/** The columns `expr` proves not null: `col IS NOT NULL`, or such tests ANDed together. */
function provenColumns(expr: unknown, out: string[] = []): string[] {
  const and = as(expr, 'BoolExpr');
  if (and?.boolop === 'AND_EXPR') {
    for (const a of list(and.args)) provenColumns(a, out);
    return out;
  }
  const test = as(expr, 'NullTest');
  if (test?.nulltesttype === 'IS_NOT_NULL') {
    const column = columnName(test.arg);
    if (column !== undefined) out.push(column);
  }
  return out;
}

/** A column reference's column (`a`, or `t.a`). */
function columnName(ref: unknown): string | undefined {
  const fields = list(as(ref, 'ColumnRef')?.fields).map((f) => str(as(f, 'String')?.sval));
  return fields.length > 0 && fields.length <= 3 && fields.every((f) => f !== undefined) ? fields[fields.length - 1] : undefined;
}

/** The columns an expression names, in the order they appear. */
function columnRefs(expr: unknown): string[] {
  const found: { at: number; name: string }[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const ref = as(n, 'ColumnRef');
      const name = ref && columnName(n);
      if (name !== undefined) found.push({ at: typeof ref?.location === 'number' ? ref.location : Infinity, name });
      for (const v of Object.values(n as Node)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(expr);
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.name))];
}

/** A CHECK constraint node as [name, what it proves]; undefined when it proves nothing. */
function nullCheck(c: Node, table: Name, valid: boolean): [string, NullCheck] | undefined {
  // NOT ENFORCED (PostgreSQL 18) checks nothing.
  if (c.contype !== 'CONSTR_CHECK' || c.is_enforced !== true) return undefined;
  const columns = provenColumns(c.raw_expr);
  if (columns.length === 0) return undefined;
  const refs = columnRefs(c.raw_expr);
  // Unnamed: PostgreSQL calls it <table>_<first column>_check.
  const relname = table.key.slice(table.key.indexOf('.') + 1);
  const name = str(c.conname) ?? `${relname}_${refs[0]}_check`;
  return [name, { columns, refs, valid }];
}

/** Check constraints advanced one statement at a time through a file. */
export class CheckTracker extends TableTracker<TableChecks, CheckState> {
  /** True when a valid, enforced CHECK constraint proves the column not null. */
  proves(table: Name, column: string): boolean {
    for (const c of this.table(table.key)?.values() ?? []) if (c.valid && c.columns.includes(column)) return true;
    return false;
  }

  state(): CheckState {
    return this.base.with(this.changes);
  }

  protected create(n: Node): void {
    const rel = rangeVar(n.relation);
    // IF NOT EXISTS may have changed nothing.
    if (!rel || n.if_not_exists === true) return;
    const checks = new Map<string, NullCheck>();
    for (const e of list(n.tableElts)) {
      const col = as(e, 'ColumnDef');
      // CREATE TABLE validates its checks on the empty table: all valid, NOT VALID or not.
      for (const c of [as(e, 'Constraint'), ...(col ? columnConstraints(col) : [])]) {
        const found = c && nullCheck(c, rel, true);
        if (found) checks.set(...found);
      }
    }
    this.changes.set(rel.key, checks);
  }

  protected renameWithin(rel: Name, n: Node, to: string): void {
    const from = str(n.subname);
    const checks = this.table(rel.key);
    if (!checks || from === undefined) return;
    if (n.renameType === 'OBJECT_TABCONSTRAINT') {
      const c = checks.get(from);
      if (!c) return;
      const next = new Map(checks);
      next.delete(from);
      next.set(to, c);
      this.changes.set(rel.key, next);
    } else if (n.renameType === 'OBJECT_COLUMN') {
      const renamed = (cols: readonly string[]) => cols.map((x) => (x === from ? to : x));
      this.changes.set(rel.key, new Map([...checks].map(([name, c]) => [name, { ...c, columns: renamed(c.columns), refs: renamed(c.refs) }])));
    }
  }

  protected alter(n: Node): void {
    const rel = rangeVar(n.relation);
    if (!rel) return;
    let next: Map<string, NullCheck> | undefined;
    const edit = () => (next ??= new Map(this.table(rel.key) ?? []));
    for (const cmd of alterCommands(n)) {
      const name = str(cmd.name);
      switch (cmd.subtype) {
        case 'AT_AddConstraint': {
          const c = as(cmd.def, 'Constraint');
          const found = c && nullCheck(c, rel, c.skip_validation !== true);
          if (found) edit().set(...found);
          break;
        }
        case 'AT_AddColumn': {
          const col = as(cmd.def, 'ColumnDef');
          for (const c of col ? columnConstraints(col) : []) {
            const found = nullCheck(c, rel, true);
            if (found) edit().set(...found);
          }
          break;
        }
        case 'AT_ValidateConstraint': {
          const c = name !== undefined ? (next ?? this.table(rel.key))?.get(name) : undefined;
          if (c) edit().set(name!, { ...c, valid: true });
          break;
        }
        case 'AT_DropConstraint':
          if (name !== undefined && (next ?? this.table(rel.key))?.has(name)) edit().delete(name);
          break;
        case 'AT_DropColumn':
          // A check constraint on a dropped column goes with it.
          for (const [cname, c] of next ?? this.table(rel.key) ?? []) if (name !== undefined && c.refs.includes(name)) edit().delete(cname);
          break;
      }
    }
    if (next) this.changes.set(rel.key, next);
  }
}
