// PostgreSQL's eight table-level lock modes, which of them conflict, and what each one blocks in
// plain words. Pure: the table is PostgreSQL's own (docs, "Table-Level Lock Modes").
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

/** As pg_locks.mode spells it; the order of LOCK_MODES is weakest to strongest. */
export type LockMode = (typeof LOCK_MODES)[number];

export function isLockMode(s: string): s is LockMode {
  return (LOCK_MODES as readonly string[]).includes(s);
}

/** `ACCESS EXCLUSIVE`, as SQL's LOCK TABLE and the docs name it. */
export function sqlName(mode: LockMode): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** What each mode conflicts with (the relation is symmetric; the table says so both ways). */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: LOCK_MODES,
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

export function strength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/** The strongest of `modes` (which must not be empty). */
export function strongest(modes: Iterable<LockMode>): LockMode {
  let best: LockMode | undefined;
  for (const m of modes) if (best === undefined || strength(m) > strength(best)) best = m;
  if (best === undefined) throw new Error('internal: strongest() of no modes');
  return best;
}

/** What the everyday statements on a table take: a plain SELECT, SELECT … FOR UPDATE, a write, VACUUM. */
export interface Blocked {
  reads: boolean;
  lockingReads: boolean;
  writes: boolean;
  /** VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY and the ALTER TABLE forms that take SHARE UPDATE EXCLUSIVE. */
  maintenance: boolean;
}

export function blocked(mode: LockMode): Blocked {
  return {
    reads: conflicts(mode, 'AccessShareLock'),
    lockingReads: conflicts(mode, 'RowShareLock'),
    writes: conflicts(mode, 'RowExclusiveLock'),
    maintenance: conflicts(mode, 'ShareUpdateExclusiveLock'),
  };
}

/** Whether a lock in this mode makes INSERT, UPDATE and DELETE on the relation wait. */
export function blocksWrites(mode: LockMode): boolean {
  return blocked(mode).writes;
}

/** In plain words, what a lock in `mode` on `relation` makes other sessions wait for. */
export function describeBlocking(mode: LockMode, relation: string): string {
  const b = blocked(mode);
  if (b.reads) return `blocks reads and writes on ${relation}`;
  if (b.lockingReads) return `blocks writes and SELECT … FOR UPDATE/SHARE on ${relation} (plain reads go on)`;
  if (b.writes) return `blocks writes on ${relation} (reads go on)`;
  if (b.maintenance) return `blocks no reads or writes; blocks VACUUM, ANALYZE, CREATE INDEX and other schema changes on ${relation}`;
  const waits = LOCK_MODES.filter((m) => conflicts(mode, m)).map(sqlName);
  return `blocks no reads or writes; only ${waits.join(', ')} locks on ${relation} wait (${WAITING[mode] ?? 'DDL'})`;
}

/** Statements that take the modes a weak lock conflicts with: examples for the plain words. */
const WAITING: Partial<Record<LockMode, string>> = {
  AccessShareLock: 'ALTER TABLE, DROP, TRUNCATE, VACUUM FULL',
  RowShareLock: 'REFRESH MATERIALIZED VIEW CONCURRENTLY, ALTER TABLE, DROP, TRUNCATE',
  RowExclusiveLock: 'CREATE INDEX, ALTER TABLE, DROP, TRUNCATE',
};
