// What trace reports, and the pure steps from observations to it: the locks a statement took
// (the modes held after it and not before), the relations it rewrote, created and dropped, and
// for a migration how long its strongest lock on each relation was held.
import { blocksWrites, describeBlocking, strength, strongest, type LockMode } from './modes.js';
import type { HeldLocks, RelationInfo, RelationKind, Relations } from './observe.js';

export interface TakenLock {
  relation: string;
  kind: RelationKind;
  mode: LockMode;
  /** In plain words: `blocks reads and writes on public.orders`. */
  blocks: string;
  /** The relation did not exist when the migration started: nobody else can be waiting for it. */
  created: boolean;
  /** For a table locked in a mode that blocks writes: whether it had rows (undefined: not probed). */
  hasRows?: boolean;
}

export interface StatementTrace {
  file: string;
  line: number;
  column: number;
  /** 1-based, within the migration. */
  index: number;
  /** The parser's node type: AlterTableStmt, IndexStmt, … */
  kind: string;
  /** The statement's first line, shortened. */
  sql: string;
  durationMs: number;
  /** How the locks were seen: after the statement in its transaction, by a second connection while it ran, or not at all. */
  observed: 'in transaction' | 'sampled while running' | 'not observable';
  locks: TakenLock[];
  /** Relations given new storage (a changed relfilenode): every row copied. */
  rewrites: string[];
  created: string[];
  dropped: string[];
}

export interface HeldLock {
  relation: string;
  mode: LockMode;
  blocks: string;
  created: boolean;
  /** The statement (1-based index and line) that took it. */
  statement: number;
  line: number;
  /** Statements that ran after it while it was held. */
  laterStatements: number;
  /** How long the migration's statements took from the one that took it to the end of its transaction. */
  heldMs: number;
}

export interface TraceFailure {
  line: number;
  column: number;
  sqlstate?: string;
  message: string;
}

export interface MigrationTrace {
  revision: string;
  message: string;
  file: string;
  transactional: boolean;
  statements: StatementTrace[];
  /** The strongest lock on each relation and how long it was held, strongest first. */
  held: HeldLock[];
  durationMs: number;
  /** Set when a statement failed: the trace of this migration stops there, and nothing after it runs. */
  failed?: TraceFailure;
}

export interface TraceReport {
  /** Where the statements ran, safe to print. */
  database: string;
  /** The database the scratch one is a template copy of (with --url). */
  copyOf?: string;
  /** Revisions applied first without tracing (the scratch database had to reach them). */
  prepared: string[];
  migrations: MigrationTrace[];
  /** Revisions not traced because one before them failed. */
  notRun: string[];
}

const order = (a: TakenLock, b: TakenLock) => strength(b.mode) - strength(a.mode) || a.relation.localeCompare(b.relation);

/** The locks held after a statement that were not held before it, on relations of the user's schemas. */
export function newLocks(before: HeldLocks, after: HeldLocks, known: Relations, createdInMigration: (oid: string) => boolean): TakenLock[] {
  const out: TakenLock[] = [];
  for (const [oid, modes] of after) {
    const r = known.get(oid);
    if (!r) continue; // a catalog, or a transient heap of a rewrite
    for (const mode of modes) {
      if (before.get(oid)?.has(mode)) continue;
      out.push({ relation: r.qualified, kind: r.kind, mode, blocks: describeBlocking(mode, r.qualified), created: createdInMigration(oid) });
    }
  }
  return out.sort(order);
}

/** What changed between two snapshots of the relations: rewritten (same oid, new storage), created, dropped. */
export function relationChanges(before: Relations, after: Relations): { rewrites: string[]; created: string[]; dropped: string[] } {
  const rewrites: string[] = [];
  const created: string[] = [];
  const dropped: string[] = [];
  for (const [oid, r] of after) {
    const was = before.get(oid);
    if (!was) created.push(label(r));
    else if (was.filenode !== r.filenode && was.filenode !== '0') rewrites.push(label(r));
  }
  for (const [oid, r] of before) if (!after.has(oid)) dropped.push(label(r));
  return { rewrites: rewrites.sort(), created: created.sort(), dropped: dropped.sort() };
}

const label = (r: RelationInfo) => (r.kind === 'table' ? r.qualified : `${r.kind} ${r.qualified}`);

/** The tables whose new locks block writes and whose rows have not been probed yet. */
export function tablesToProbe(locks: TakenLock[], known: Relations): RelationInfo[] {
  const names = new Set(locks.filter((l) => !l.created && blocksWrites(l.mode) && /table|materialized/.test(l.kind)).map((l) => l.relation));
  return [...known.values()].filter((r) => names.has(r.qualified));
}

/**
 * Per relation, the strongest mode a migration's statements took, from the first statement that
 * took it to the end of its transaction. In a migration outside a transaction each statement
 * commits on its own, so its locks end with it.
 */
export function holdSummary(statements: StatementTrace[], transactional: boolean): HeldLock[] {
  const byRelation = new Map<string, HeldLock>();
  for (const [i, s] of statements.entries()) {
    for (const l of s.locks) {
      const seen = byRelation.get(l.relation);
      if (seen && strength(seen.mode) >= strength(l.mode)) continue;
      const end = transactional ? statements.length - 1 : i;
      const heldMs = Math.round(statements.slice(i, end + 1).reduce((sum, x) => sum + x.durationMs, 0) * 10) / 10;
      byRelation.set(l.relation, { relation: l.relation, mode: l.mode, blocks: l.blocks, created: l.created, statement: s.index, line: s.line, laterStatements: end - i, heldMs });
    }
  }
  return [...byRelation.values()].sort((a, b) => strength(b.mode) - strength(a.mode) || a.relation.localeCompare(b.relation));
}

/** The strongest mode among locks, or undefined when none. */
export function strongestOf(locks: TakenLock[]): LockMode | undefined {
  return locks.length === 0 ? undefined : strongest(locks.map((l) => l.mode));
}
