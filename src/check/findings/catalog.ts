// Every rule `check` knows: its id, default severity, what it catches and the safe alternative.
// docs/check.md's rule table says the same; a test keeps the two in step.
export type Severity = 'error' | 'warning';

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Cannot be turned off or down: the runner or PostgreSQL would refuse the file anyway. */
  fixed?: boolean;
  /** What the rule catches. */
  catches: string;
  /** The safe alternative, one line; used when a finding has no more specific fix. */
  fix: string;
  /** Found by what `check --roundtrip --trace` saw on the server: the static check cannot tell whether an ignore of it is used. */
  traced?: boolean;
}

export const RULES: readonly RuleInfo[] = [
  // The files and the graph (what the runner itself validates)
  { id: 'invalid-file', severity: 'error', fixed: true, catches: 'A file the runner refuses: bad name, header, encoding or pairing, duplicate revision, missing down file.', fix: 'Fix the file as the message says; every command refuses to run until then.' },
  { id: 'invalid-graph', severity: 'error', fixed: true, catches: 'A down_revision that no file defines, or a cycle.', fix: 'Point down_revision at an existing revision (see `pgstrata history`).' },
  { id: 'multiple-heads', severity: 'error', catches: 'Two revisions with the same parent and no merge revision joining them.', fix: 'Add a merge revision whose header says `-- down_revision: <head1>, <head2>` (its files may be empty).' },
  { id: 'empty-migration', severity: 'error', fixed: true, catches: 'An up file with no executable statement (only comments or whitespace), other than a merge revision.', fix: 'Write the SQL; only merge revisions may be empty.' },
  { id: 'empty-down', severity: 'warning', catches: 'A down file with no statement and no `-- no-op` or `-- irreversible` line: `up` runs, but `down` stops before reverting that revision.', fix: 'Write the reverse SQL; or add a line `-- no-op` (nothing needs undoing) or `-- irreversible` (it cannot be undone).' },
  // What PostgreSQL's parser says
  { id: 'syntax-error', severity: 'error', fixed: true, catches: 'SQL that PostgreSQL\'s own parser (libpg-query) rejects.', fix: 'Fix the syntax at the position shown.' },
  { id: 'non-transactional-statement', severity: 'error', fixed: true, catches: 'A statement PostgreSQL refuses inside a transaction (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE DATABASE, ALTER SYSTEM, …) in a file that runs in one.', fix: 'Put it in a revision of its own whose file says `-- transaction: none`.' },
  { id: 'transaction-control', severity: 'error', fixed: true, catches: 'BEGIN, COMMIT, ROLLBACK, END or PREPARE TRANSACTION inside a file that pgstrata already runs in a transaction.', fix: 'Delete it: pgstrata wraps each file in one transaction (or mark the file `-- transaction: none`).' },
  { id: 'multi-statement-no-transaction', severity: 'warning', catches: 'A `transaction: none` file that mixes statements that must run outside a transaction (CREATE INDEX CONCURRENTLY, …) with statements that could run in one: those lose their atomicity for nothing. A failure part-way leaves the statements before it applied (journalled), and pgstrata refuses to run until `up --resume` or `resolve`.', fix: 'Move the statements that can run in a transaction to a revision of their own, without `transaction: none`.' },
  // Safety: DDL on tables that already exist
  { id: 'not-null-column-without-default', severity: 'error', catches: 'ADD COLUMN … NOT NULL without a DEFAULT: fails on any table that has rows.', fix: 'Add the column nullable, backfill it, then SET NOT NULL (or give it a constant DEFAULT).' },
  { id: 'set-not-null', severity: 'error', catches: 'SET NOT NULL on an existing column that no valid CHECK (col IS NOT NULL) covers: scans the whole table under an ACCESS EXCLUSIVE lock.', fix: 'ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (in a later statement or revision), then SET NOT NULL (no scan) and drop the check.' },
  { id: 'create-index-concurrently', severity: 'error', catches: 'CREATE INDEX without CONCURRENTLY: blocks every write to the table while the index builds.', fix: 'CREATE INDEX CONCURRENTLY in a revision of its own with `-- transaction: none`.' },
  { id: 'constraint-not-valid', severity: 'error', catches: 'A FOREIGN KEY or CHECK constraint added without NOT VALID: validates every row while holding a lock that blocks writes.', fix: 'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later statement or revision (it takes a weaker lock).' },
  { id: 'unique-constraint-using-index', severity: 'error', catches: 'A UNIQUE or PRIMARY KEY constraint that builds its own index: blocks writes for the whole build.', fix: 'CREATE UNIQUE INDEX CONCURRENTLY first (`transaction: none`), then ADD CONSTRAINT … UNIQUE USING INDEX.' },
  { id: 'change-column-type', severity: 'error', catches: 'ALTER COLUMN … TYPE: rewrites the table under an ACCESS EXCLUSIVE lock and may break code that reads the column — unless the history shows the change is rewrite-free (varchar(n) to varchar(m ≥ n) or text, a wider numeric precision, …; see below).', fix: 'Add a new column, backfill it, switch the application over, then drop the old one.' },
  { id: 'rename-column', severity: 'error', catches: 'RENAME COLUMN: the running application still uses the old name.', fix: 'Add the new column and copy the data (or a view), move the application, drop the old column later.' },
  { id: 'rename-table', severity: 'error', catches: 'RENAME TO on a table: the running application still uses the old name.', fix: 'Create the new name as a view of the table (or the reverse), move the application, then swap.' },
  { id: 'drop-column', severity: 'error', catches: 'DROP COLUMN in an up (of a column the same file did not add earlier): running code that still reads it fails, and its data is gone for good.', fix: 'Stop using the column in a release first; drop it in a later revision (and ignore this finding with the reason).' },
  { id: 'drop-table', severity: 'error', catches: 'DROP TABLE in an up: running code that still uses it fails, and its data is gone for good.', fix: 'Stop using the table in a release first; drop it in a later revision (and ignore this finding with the reason).' },
  { id: 'enum-value-same-transaction', severity: 'error', catches: 'A value added with ALTER TYPE … ADD VALUE and used as that enum later in the same transaction (cast to the type; compared with, assigned, inserted or defaulted to a column the history shows to be of that type): PostgreSQL refuses (unsafe use of new value). Each use is reported.', fix: 'Add the enum value in a revision of its own; use it in a later one.' },
  { id: 'require-lock-timeout', severity: 'error', catches: 'DDL on an existing table with no lock_timeout: while it queues behind a long transaction, the queries its lock conflicts with (writes, and for most ALTER TABLE forms reads too) queue behind it. CREATE/DROP/REINDEX … CONCURRENTLY are not counted: their lock blocks neither reads nor writes.', fix: 'Add `-- lock_timeout: 5s` to the up header (it also covers the down), or SET lock_timeout first.' },
  // The ignore comments themselves
  { id: 'unused-ignore', severity: 'warning', catches: 'A `-- pgstrata-ignore:` comment that silences nothing (wrong rule id, or the statement below is fine), or one written as a `/* */` comment, which is not read.', fix: 'Delete the comment, or fix the rule id (write a `/* */` one as a `--` comment).' },
  { id: 'ignore-without-reason', severity: 'warning', catches: 'A `-- pgstrata-ignore:` comment that does not say why.', fix: 'Write the reason after the rule id: `-- pgstrata-ignore: <rule-id> — why this is safe here`.' },
  // The round trip (--roundtrip)
  { id: 'roundtrip-failed', severity: 'error', fixed: true, catches: 'An up or down that fails on a scratch database, or an up that fails when run again after its down.', fix: 'Fix the SQL at the position shown; a down must undo exactly what its up did.' },
  { id: 'roundtrip-difference', severity: 'error', catches: 'After up then down, the schema differs from before the up: the down leaves something behind, drops too much, or restores it differently.', fix: 'Make the down undo exactly what the up did, no more and no less.' },
  { id: 'roundtrip-column-order', severity: 'warning', catches: 'After up then down, a table has the same columns in another order (a column dropped and re-added lands at the end).', fix: 'Declare such columns last where the table is created, or accept the order (`"roundtrip-column-order": "off"`).' },
  // What trace saw (check --roundtrip --trace)
  { id: 'trace-rewrite', severity: 'error', traced: true, catches: 'A statement that gave a table that existed before the migration new storage (its relfilenode changed): every row copied under an ACCESS EXCLUSIVE lock.', fix: 'Avoid the rewrite: add a new column, backfill it in batches, switch over, drop the old one.' },
  { id: 'trace-exclusive-held', severity: 'warning', traced: true, catches: 'An ACCESS EXCLUSIVE lock on an existing table held while later statements of the same transaction run: reads and writes wait for all of them.', fix: 'Move the statement that takes it to the end of the migration, or into a revision of its own.' },
  { id: 'trace-blocks-writes-rows', severity: 'warning', traced: true, catches: 'A lock that blocks writes (SHARE or stronger) taken on an existing table that has rows.', fix: 'Use the form that takes a weaker lock (CREATE INDEX CONCURRENTLY, ADD CONSTRAINT … NOT VALID then VALIDATE), or run it when writes can wait.' },
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo {
  const r = byId.get(id);
  if (!r) throw new Error(`internal: unknown rule ${id}`);
  return r;
}

export function isRule(id: string): boolean {
  return byId.has(id);
}
