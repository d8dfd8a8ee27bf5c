// When a migration's own COMMIT or ROLLBACK ended the transaction pgstrata wrapped it in: which
// statement did it, found by PostgreSQL's parser (a regex would stop at a function body's END;),
// and what that left behind. Only this failure path loads the parser.
import type { DatabaseErrorFields, SqlLocation } from '../util/errors.js';

/** SQLSTATE recorded for such a step: invalid_transaction_state. */
export const ENDED_SQLSTATE = '25000';

interface ControlStatement {
  /** As the user would write it: COMMIT, ROLLBACK, PREPARE TRANSACTION. */
  verb: string;
  commits: boolean;
  line: number;
  column: number;
}

const ENDING: Record<string, { verb: string; commits: boolean }> = {
  TRANS_STMT_COMMIT: { verb: 'COMMIT', commits: true },
  TRANS_STMT_ROLLBACK: { verb: 'ROLLBACK', commits: false },
  TRANS_STMT_PREPARE: { verb: 'PREPARE TRANSACTION', commits: false },
};

/** The statements of `sql` that end a transaction, in order; [] when the parser cannot say. */
async function endingStatements(sql: string, file: string): Promise<ControlStatement[]> {
  const { parseStatements } = await import('../util/sqlparse.js');
  const parsed = await parseStatements(sql, file);
  if (!parsed.ok) return [];
  return parsed.statements.flatMap((s) => {
    const ending = s.kind === 'TransactionStmt' ? ENDING[String(s.node.kind)] : undefined;
    return ending ? [{ ...ending, verb: s.node.chain ? `${ending.verb} AND CHAIN` : ending.verb, line: s.line, column: s.column }] : [];
  });
}

export interface EndedReport {
  location: SqlLocation;
  db: DatabaseErrorFields;
  outcome: string;
}

const before = (a: { line: number; column: number }, b: SqlLocation) => b.line === undefined || a.line < b.line || (a.line === b.line && a.column < (b.column ?? 1));

/**
 * The report of a step whose file ended pgstrata's transaction. `failedAt` is where a statement of
 * the file failed after that (the server's own error, kept as the DETAIL), undefined when the file
 * ran to its end and pgstrata's guard fired. What ran after the last ending statement was in the
 * server's implicit transaction for the rest of the script, which the error rolled back; before
 * it, the last COMMIT decides.
 */
export async function endedReport(file: string, sql: string, cause: DatabaseErrorFields, failedAt?: SqlLocation): Promise<EndedReport> {
  const ends = (await endingStatements(sql, file)).filter((s) => failedAt === undefined || before(s, failedAt));
  const at = (s: { line?: number; column?: number }) => [file, s.line, s.line === undefined ? undefined : s.column].filter((x) => x !== undefined).join(':');
  const detail = failedAt === undefined ? {} : { detail: `Then, at ${at(failedAt)}: ERROR${cause.sqlstate ? ` ${cause.sqlstate}` : ''}: ${cause.message}` };
  const fix = 'Check the database, remove the transaction control from the file (pgstrata runs each file in a transaction of its own) or mark the file `-- transaction: none`, then run up again';
  const first = ends[0];
  if (!first) {
    return {
      location: { file },
      db: { sqlstate: ENDED_SQLSTATE, message: "a COMMIT or ROLLBACK in the file ended pgstrata's transaction", ...detail },
      outcome: `what ran before it may be committed, and the revision was NOT recorded as applied. ${fix}`,
    };
  }
  const last = ends[ends.length - 1]!;
  const lastCommit = [...ends].reverse().find((s) => s.commits);
  const prepared = ends.some((e) => e.verb === 'PREPARE TRANSACTION');
  const after = ends.length === 1 ? 'what ran after it' : `what ran after its ${last.verb} at ${at(last)}`;
  let done: string;
  if (prepared) done = `what ran before its PREPARE TRANSACTION waits in a prepared transaction (see pg_prepared_xacts; COMMIT PREPARED or ROLLBACK PREPARED it); ${after} was rolled back`;
  else if (!lastCommit) done = `nothing from this migration was applied (its ${first.verb} undid what came before it, and ${after} was rolled back)`;
  else if (ends.length === 1) done = `the statements before it were committed; ${after} was rolled back`;
  else {
    const undone = ends.some((e) => !e.commits && before(e, { file, line: lastCommit.line, column: lastCommit.column }));
    done = `what ran before its ${lastCommit.verb} at ${at(lastCommit)} was committed${undone ? ', except what a ROLLBACK before that undid' : ''}; ${after} was rolled back`;
  }
  const more = ends.length === 1 ? '' : ` (and ${ends.length - 1} more statement${ends.length === 2 ? ' that ends' : 's that end'} a transaction after it)`;
  return {
    location: { file, line: first.line, column: first.column },
    db: { sqlstate: ENDED_SQLSTATE, message: `the file's ${first.verb}${more} ended pgstrata's transaction`, ...detail },
    outcome: `${done}; the revision was NOT recorded as applied. ${fix}`,
  };
}
