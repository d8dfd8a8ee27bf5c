// Statements and transactions: what PostgreSQL refuses inside one, transaction control inside
// a file pgstrata already wraps, and statements that lose their atomicity in a file that runs
// outside a transaction for another statement's sake.
import type { ParsedStatement } from '../../runner/util/sqlparse.js';
import { as, list, str, type Node } from '../model/ast.js';
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

/**
 * Why a statement cannot be part of a transaction pgstrata opens around its file: PostgreSQL
 * refuses it in one, or it is the file's own BEGIN/COMMIT. Undefined for every other statement.
 * `import` uses it to tell which files of a tool without a per-file marker run outside one.
 */
export function outsideTransactionReason(s: ParsedStatement): string | undefined {
  const kind = str(s.node.kind);
  if (s.kind === 'TransactionStmt' && kind && ENDS.has(kind)) return `its own ${WORDS[kind]}`;
  return needsNoTransaction(s);
}

/** Settings and SHOW change nothing that a failure could leave half-done. */
const INERT = new Set(['VariableSetStmt', 'VariableShowStmt']);

/** A statement that changes something and could run inside a transaction. */
function couldRunInTransaction(s: ParsedStatement): boolean {
  return !INERT.has(s.kind) && s.kind !== 'TransactionStmt' && needsNoTransaction(s) === undefined;
}

export const transactionRules: RuleFamily = (ctx) => {
  const noTx = ctx.side === 'up' ? 'add `-- transaction: none` to the header' : 'start the down file with `-- transaction: none`';
  // A file outside a transaction needs it for these; statements that could run in one lose
  // their atomicity there for nothing (the runner journals the file, but cannot undo them).
  const outside = ctx.transactional ? undefined : ctx.statements.find((s) => needsNoTransaction(s) !== undefined);
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
      if (!outside || warned || !couldRunInTransaction(s)) return;
      warned = true;
      const resume = ctx.side === 'up' ? '`pgstrata up --resume`' : '`pgstrata down --resume`';
      ctx.report(
        'multi-statement-no-transaction',
        s,
        `this statement could run in a transaction, but the file runs outside one for the ${needsNoTransaction(outside)} at line ${outside.line}: a failure part-way leaves the statements before it applied (journalled in the version table), and pgstrata refuses to run until you continue with ${resume} or \`pgstrata resolve ${ctx.revision}\``,
        `Move this statement (and the file's others that can run in a transaction) to a revision of its own, without \`transaction: none\`; keep only what must run outside a transaction here.`,
      );
    },
  };
};
