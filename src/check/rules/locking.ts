// require-lock-timeout: DDL that locks an existing table, with no lock_timeout in force. Such a
// statement waits behind any long transaction on the table, and every later query its lock
// conflicts with waits behind it: a short ALTER becomes an outage. CREATE/DROP/REINDEX …
// CONCURRENTLY are left out: their SHARE UPDATE EXCLUSIVE lock blocks neither reads nor writes.
// One finding per file, at the first one.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { alterCommands, as, columnConstraints, dotted, dropObjects, list, rangeVar, str, type Name, type Node } from '../model/ast.js';
import type { FileContext, RuleFamily } from './context.js';

/** Foreign keys in a list of table elements or ALTER commands lock the referenced table too. */
function referencedTables(constraints: Node[]): Name[] {
  return constraints.filter((c) => c.contype === 'CONSTR_FOREIGN').map((c) => rangeVar(c.pktable)).filter((n): n is Name => n !== undefined);
}

function tableConstraints(elements: unknown): Node[] {
  const out: Node[] = [];
  for (const e of list(elements)) {
    const c = as(e, 'Constraint');
    if (c) out.push(c);
    const col = as(e, 'ColumnDef');
    if (col) out.push(...columnConstraints(col));
  }
  return out;
}

/** The tables a statement takes a lock on that conflicts with ordinary reads or writes. */
function lockedTables(ctx: FileContext, s: ParsedStatement): Name[] {
  const n = s.node;
  const rels = (...vs: unknown[]) => vs.map((v) => rangeVar(v)).filter((x): x is Name => x !== undefined);
  // IF EXISTS on what the history does not show here: taken to do nothing, so to lock nothing.
  const present = (names: Name[]) => (n.missing_ok === true ? names.filter((t) => !ctx.scope.absent(t)) : names);
  switch (s.kind) {
    case 'AlterTableStmt': {
      const index = n.objtype === 'OBJECT_INDEX' ? rangeVar(n.relation) : undefined;
      const own = present(index ? [ctx.scope.tableOfIndex(index) ?? index] : rels(n.relation));
      const cmds = alterCommands(n);
      const constraints = cmds.flatMap((c) => [as(c.def, 'Constraint'), ...columnConstraints(as(c.def, 'ColumnDef') ?? {})]).filter((c): c is Node => c !== undefined);
      return [...own, ...referencedTables(constraints)];
    }
    case 'CreateStmt':
      // The new table is empty; foreign keys and PARTITION OF lock the tables they name.
      return [...referencedTables(tableConstraints(n.tableElts)), ...(n.partbound ? rels(...list(n.inhRelations)) : [])];
    case 'IndexStmt':
      return n.concurrent === true ? [] : rels(n.relation);
    case 'CreateTrigStmt':
    case 'RuleStmt':
    case 'ClusterStmt':
      return rels(n.relation);
    case 'CreatePolicyStmt':
      return rels(n.table);
    case 'RenameStmt': {
      const rel = rangeVar(n.relation);
      if (!rel) return [];
      return present([n.renameType === 'OBJECT_INDEX' ? (ctx.scope.tableOfIndex(rel) ?? rel) : rel]);
    }
    case 'TruncateStmt':
    case 'LockStmt':
      return rels(...list(n.relations));
    case 'ReindexStmt':
      return list(n.params).some((p) => as(p, 'DefElem')?.defname === 'concurrently') ? [] : rels(n.relation);
    case 'DropStmt': {
      const objects = dropObjects(n);
      if (n.removeType === 'OBJECT_TABLE') return present(objects);
      if (n.removeType === 'OBJECT_INDEX') return n.concurrent === true ? [] : present(objects.map((i) => ctx.scope.tableOfIndex(i) ?? i));
      if (n.removeType === 'OBJECT_TRIGGER' || n.removeType === 'OBJECT_RULE' || n.removeType === 'OBJECT_POLICY') {
        // [schema.]table.name: the table is everything but the last part
        return present(list(n.objects).map((o) => dotted(list(as(o, 'List')?.items).slice(0, -1))).filter((x): x is Name => x !== undefined));
      }
      return [];
    }
  }
  return [];
}

/** A lock_timeout of 0 (or none) means "wait forever". */
function positive(duration: string | undefined): boolean {
  return duration !== undefined && /[1-9]/.test(duration.replace(/[a-z\s]+$/i, ''));
}

function setsLockTimeout(s: ParsedStatement): boolean | undefined {
  if (s.kind !== 'VariableSetStmt' || s.node.name !== 'lock_timeout') return undefined;
  if (s.node.kind !== 'VAR_SET_VALUE') return false;
  const arg = as(list(s.node.args)[0], 'A_Const');
  const value = str((arg?.sval as Node | undefined)?.sval) ?? String((arg?.ival as Node | undefined)?.ival ?? 0);
  return positive(value);
}

export const lockRules: RuleFamily = (ctx) => {
  let covered = positive(ctx.lockTimeout);
  let reported = false;
  return {
    statement(s) {
      const set = setsLockTimeout(s);
      if (set !== undefined) {
        covered = set;
        return;
      }
      if (covered || reported) return;
      const existing = lockedTables(ctx, s).filter((t) => !ctx.scope.isNew(t));
      if (existing.length === 0) return;
      reported = true;
      const names = [...new Set(existing.map((t) => t.display))].join(', ');
      const fix = ctx.side === 'up' ? 'Add `-- lock_timeout: 5s` to the header (the runner sets it for the down too), or `SET lock_timeout = \'5s\';` before this statement.' : 'Add `-- lock_timeout: 5s` to the up file\'s header (the runner sets it for this down too), or `SET lock_timeout = \'5s\';` before this statement.';
      ctx.report('require-lock-timeout', s, `DDL on existing table ${names} with no lock_timeout: while it waits for its lock, the queries on ${names} that conflict with that lock (writes, and for most ALTER TABLE forms reads too) queue behind it`, fix);
    },
  };
};
