// The pure parts of trace: PostgreSQL's lock-mode conflict table and its plain words, the steps
// from observations to a report, the human summary and the check findings made of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOCK_MODES, blocksWrites, conflicts, describeBlocking, sqlName, strongest, type LockMode } from '../src/trace/modes.js';
import { holdSummary, newLocks, relationChanges, type MigrationTrace, type StatementTrace, type TraceReport } from '../src/trace/report.js';
import type { RelationInfo, Relations } from '../src/trace/observe.js';
import { renderTrace } from '../src/trace/render.js';
import { traceFindings } from '../src/trace/rules.js';

// PostgreSQL's documentation, "Conflicting Lock Modes": X where the row's mode conflicts with the column's.
const DOCS: Record<string, string> = {
  'ACCESS SHARE': '.......X',
  'ROW SHARE': '......XX',
  'ROW EXCLUSIVE': '....XXXX',
  'SHARE UPDATE EXCLUSIVE': '...XXXXX',
  SHARE: '..XX.XXX',
  'SHARE ROW EXCLUSIVE': '..XXXXXX',
  EXCLUSIVE: '.XXXXXXX',
  'ACCESS EXCLUSIVE': 'XXXXXXXX',
};

test('the conflict table is the documentation\'s, and symmetric', () => {
  for (const a of LOCK_MODES) {
    const row = LOCK_MODES.map((b) => (conflicts(a, b) ? 'X' : '.')).join('');
    assert.is(row, DOCS[sqlName(a)], sqlName(a));
    for (const b of LOCK_MODES) assert.is(conflicts(a, b), conflicts(b, a), `${a} / ${b}`);
  }
});

test('what each mode blocks, in plain words', () => {
  const t = 'public.orders';
  assert.is(describeBlocking('AccessExclusiveLock', t), 'blocks reads and writes on public.orders');
  assert.is(describeBlocking('ExclusiveLock', t), 'blocks writes and SELECT … FOR UPDATE/SHARE on public.orders (plain reads go on)');
  assert.is(describeBlocking('ShareRowExclusiveLock', t), 'blocks writes on public.orders (reads go on)');
  assert.is(describeBlocking('ShareLock', t), 'blocks writes on public.orders (reads go on)');
  assert.match(describeBlocking('ShareUpdateExclusiveLock', t), /^blocks no reads or writes; blocks VACUUM/);
  assert.is(describeBlocking('AccessShareLock', t), 'blocks no reads or writes; only ACCESS EXCLUSIVE locks on public.orders wait (ALTER TABLE, DROP, TRUNCATE, VACUUM FULL)');
  assert.match(describeBlocking('RowExclusiveLock', t), /^blocks no reads or writes; only SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE locks/);
  assert.equal(LOCK_MODES.filter(blocksWrites).map(sqlName), ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);
  assert.is(strongest(['RowExclusiveLock', 'AccessExclusiveLock', 'ShareLock']), 'AccessExclusiveLock');
});

const rel = (oid: string, name: string, filenode: string, kind: RelationInfo['kind'] = 'table'): [string, RelationInfo] => [oid, { oid, schema: 'public', name, qualified: `public.${name}`, kind, filenode }];
const locks = (entries: [string, LockMode[]][]) => new Map(entries.map(([oid, modes]) => [oid, new Set(modes)]));

test('a statement took the modes held after it and not before, on user relations only', () => {
  const known: Relations = new Map([rel('10', 'orders', '10'), rel('11', 'orders_pkey', '11', 'index')]);
  const taken = newLocks(locks([['10', ['RowExclusiveLock']]]), locks([['10', ['RowExclusiveLock', 'AccessExclusiveLock']], ['11', ['ShareLock']], ['1259', ['AccessShareLock']]]), known, (oid) => oid === '11');
  assert.equal(
    taken.map((l) => [l.relation, l.mode, l.created]),
    [
      ['public.orders', 'AccessExclusiveLock', false],
      ['public.orders_pkey', 'ShareLock', true],
    ],
  );
});

test('a new relfilenode is a rewrite; new and missing oids are created and dropped', () => {
  const before: Relations = new Map([rel('10', 'orders', '10'), rel('11', 'orders_pkey', '11', 'index'), rel('12', 'old', '12'), rel('13', 'parted', '0', 'partitioned table')]);
  const after: Relations = new Map([rel('10', 'orders', '99'), rel('11', 'orders_pkey', '11', 'index'), rel('14', 'orders_x', '14', 'index'), rel('13', 'parted', '0', 'partitioned table')]);
  assert.equal(relationChanges(before, after), { rewrites: ['public.orders'], created: ['index public.orders_x'], dropped: ['public.old'] });
});

function statement(index: number, line: number, durationMs: number, taken: [string, LockMode, boolean?][], more: Partial<StatementTrace> = {}): StatementTrace {
  return {
    file: 'sql/up/r2_step.sql',
    line,
    column: 1,
    index,
    kind: 'AlterTableStmt',
    sql: `statement ${index}`,
    durationMs,
    observed: 'in transaction',
    locks: taken.map(([relation, mode, hasRows]) => ({ relation, kind: 'table', mode, blocks: describeBlocking(mode, relation), created: false, ...(hasRows === undefined ? {} : { hasRows }) })),
    rewrites: [],
    created: [],
    dropped: [],
    ...more,
  };
}

test('the strongest lock on each table is held from the statement that took it to COMMIT', () => {
  const s = [statement(1, 4, 10, [['public.a', 'ShareLock']]), statement(2, 5, 20, [['public.a', 'AccessExclusiveLock'], ['public.b', 'RowExclusiveLock']]), statement(3, 6, 5, [])];
  assert.equal(
    holdSummary(s, true).map((h) => [h.relation, h.mode, h.line, h.laterStatements, h.heldMs]),
    [
      ['public.a', 'AccessExclusiveLock', 5, 1, 25],
      ['public.b', 'RowExclusiveLock', 5, 1, 25],
    ],
  );
  // Outside a transaction each statement's locks end with it.
  assert.equal(holdSummary(s, false).map((h) => [h.relation, h.laterStatements, h.heldMs]), [['public.a', 0, 20], ['public.b', 0, 20]]);
});

function report(statements: StatementTrace[], held = holdSummary(statements, true)): TraceReport {
  const m: MigrationTrace = { revision: 'r2', message: 'change orders', file: 'sql/up/r2_step.sql', transactional: true, statements, held, durationMs: 40 };
  const quiet: MigrationTrace = { revision: 'r3', message: 'new table', file: 'sql/up/r3_step.sql', transactional: true, statements: [statement(1, 4, 1, [], { created: ['public.t3'] })], held: [], durationMs: 1 };
  return { database: 'pglite:memory', prepared: [], migrations: [m, quiet], notRun: [] };
}

test('the summary: statements with locks on existing tables, rewrites, the hold; quiet revisions on one line', () => {
  const r = report([statement(1, 4, 30.4, [['public.orders', 'AccessExclusiveLock', true]], { rewrites: ['public.orders'] }), statement(2, 5, 2, [])]);
  assert.is(
    renderTrace(r),
    [
      'trace on pglite:memory (a scratch database, dropped afterwards)',
      '',
      'r2 change orders (2 statements, one transaction, 40 ms traced)',
      '  sql/up/r2_step.sql:4  statement 1  (30 ms)',
      '      ACCESS EXCLUSIVE: blocks reads and writes on public.orders, which has rows',
      '      rewrites public.orders',
      '  held: ACCESS EXCLUSIVE on public.orders from line 4 until COMMIT, across 1 later statement, 32 ms of statement time',
      '',
      '1 revision lock, rewrite and drop only what they create themselves: r3',
    ].join('\n'),
  );
});

test('findings: a rewrite, ACCESS EXCLUSIVE held across later statements, a write-blocking lock on a table with rows; ignores silence them', () => {
  const r = report([statement(1, 4, 30, [['public.orders', 'AccessExclusiveLock', true]], { rewrites: ['public.orders'] }), statement(2, 6, 2, [['public.items', 'ShareLock', false]])]);
  const text = (ignore: string) => `-- revision: r2\n-- down_revision: r1\n${ignore}\nALTER TABLE orders ALTER COLUMN id TYPE bigint;\n\nCREATE INDEX ON items (x);\n`;
  const rules = (ignore = '--') => traceFindings(r, (f) => (f === 'sql/up/r2_step.sql' ? text(ignore) : undefined)).map((f) => `${f.severity} ${f.rule} :${f.line}`);
  assert.equal(rules(), ['error trace-rewrite :4', 'warning trace-blocks-writes-rows :4', 'warning trace-exclusive-held :4']);
  assert.equal(rules('-- pgstrata-ignore: trace-rewrite, trace-exclusive-held — orders is tiny'), ['warning trace-blocks-writes-rows :4']);
});

test('a table created in the same migration is nobody else\'s: no finding', () => {
  const s = statement(2, 5, 3, [['public.fresh', 'AccessExclusiveLock', true]], { rewrites: ['public.fresh'] });
  s.locks[0]!.created = true;
  const r = report([statement(1, 4, 1, [], { created: ['public.fresh'] }), s, statement(3, 6, 1, [])]);
  assert.equal(traceFindings(r, () => undefined), []);
});

test.run();
