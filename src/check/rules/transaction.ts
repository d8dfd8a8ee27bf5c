// Statements and transactions: what PostgreSQL refuses inside one, transaction control inside
// a file pgstrata already wraps, and a non-transactional file that can stop half-way.
import type { ParsedStatement } from '../../runner/sqlparse.js';
import { as, list, str, type Node } from '../ast.js';
import type { RuleFamily } from './context.js';

function hasOption(options: unknown, name: string): Node | undefined {
  return list(options)
    .map((o) => as(o, 'DefElem'))
    .find((d) => d?.defname === name);
}

/** The name of a statement PostgreSQL refuses inside a transaction block, or undefined. */
function needsNoTransaction(s: ParsedStatement): string | undefined {
  const n = s.node;
  switch (s.kind) {
    case 'IndexStmt':
      return n.concurrent === true ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return n.concurrent === true ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      if (hasOption(n.params, 'concurrently')) return 'REINDEX CONCURRENTLY';
      return n.kind === 'REINDEX_OBJECT_SYSTEM' || n.kind === 'REINDEX_OBJECT_DATABASE' ? `REINDEX ${n.kind === 'REINDEX_OBJECT_SYSTEM' ? 'SYSTEM' : 'DATABASE'}` : undefined;
    case 'VacuumStmt':
      return n.is_vacuumcmd === true ? 'VACUUM' : undefined;
    case 'ClusterStmt':
      return n.relation === undefined ? 'CLUSTER (every table)' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'DiscardStmt':
      return n.target === 'DISCARD_ALL' ? 'DISCARD ALL' : undefined;
    case 'CreateSubscriptionStmt': {
      const slot = hasOption(n.options, 'create_slot');
      const off = slot && /^(false|off|0|no)$/i.test(str(as(slot.arg, 'String')?.sval) ?? '');
      return off ? undefined : 'CREATE SUBSCRIPTION (creating a slot)';
    }
    case 'AlterTableStmt':
      return list(n.cmds).some((c) => as(as(c, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent === true) ? 'DETACH PARTITION CONCURRENTLY' : undefined;
  }
  return undefined;
}

const ENDS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START', 'TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);
const WORDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** Settings and SHOW change nothing that a failure could leave half-done. */
const INERT = new Set(['VariableSetStmt', 'VariableShowStmt']);

export const transactionRules: RuleFamily = (ctx) => {
  const noTx = ctx.side === 'up' ? 'add `-- transaction: none` to the header' : 'start the down file with `-- transaction: none`';
  // For a non-transactional file: statements that change something, a BEGIN…COMMIT block counting once.
  let units = 0;
  let inBlock = false;
  let warned = false;
  return {
    statement(s) {
      const kind = str(s.node.kind);
      if (ctx.transactional) {
        const what = needsNoTransaction(s);
        if (what) ctx.report('non-transactional-statement', s, `${what} cannot run inside a transaction block, and this file runs in one`, `Move it to a revision of its own and ${noTx}.`);
        if (s.kind === 'TransactionStmt' && kind && ENDS.has(kind)) {
          ctx.report('transaction-control', s, `${WORDS[kind]} inside a migration that pgstrata runs in its own transaction: it would end that transaction and the revision could not be recorded`, `Delete it (pgstrata wraps the file in one transaction), or ${noTx} to manage transactions yourself.`);
        }
        return;
      }
      if (s.kind === 'TransactionStmt') {
        if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
          inBlock = true;
          units++;
        } else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') inBlock = false;
      } else if (!inBlock && !INERT.has(s.kind)) {
        units++;
      } else {
        return;
      }
      if (units === 2 && !warned) {
        warned = true;
        ctx.report('multi-statement-no-transaction', s, 'this file runs without a transaction and this is not its first statement: if it fails, the ones before it stay applied and the revision is not recorded', 'Give each non-transactional statement a revision of its own (or wrap the others in BEGIN … COMMIT).');
      }
    },
  };
};
