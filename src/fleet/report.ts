// The outcome of one target and the counts of a run: pure data, shared by the records, the
// CLI's table and its --json document.

/** How one target ended. `running` and `pending` only appear in a record, never as a result. */
export type TargetState = 'pending' | 'running' | 'migrated' | 'at-head' | 'failed' | 'unreachable';

export interface TargetError {
  code: string;
  message: string;
  /** `file:line:column` of the migration that failed, when it was a migration's SQL. */
  location?: string;
  revision?: string;
  sqlstate?: string;
}

export interface Outcome {
  state: 'migrated' | 'at-head' | 'failed' | 'unreachable';
  /** Revisions applied, in order (migrated: at least one). */
  applied: string[];
  error?: TargetError;
  durationMs: number;
}

/** One target as a run record keeps it: never its password. */
export interface TargetEntry {
  name: string;
  url: string;
  schema?: string;
  state: TargetState;
  /** How many times a worker claimed it (more than 1 only after a claimant died or a resume). */
  attempts: number;
  claimedBy?: string;
  outcome?: Outcome;
}

export const DONE: ReadonlySet<TargetState> = new Set(['migrated', 'at-head']);

export interface Counts {
  migrated: number;
  atHead: number;
  failed: number;
  unreachable: number;
  /** Not started: the run stopped after a failure (`fleet resume` goes on). */
  skipped: number;
  /** Claimed by a worker that has not finished (another process, or one that died). */
  running: number;
}

export function countStates(entries: readonly TargetEntry[]): Counts {
  const c: Counts = { migrated: 0, atHead: 0, failed: 0, unreachable: 0, skipped: 0, running: 0 };
  for (const e of entries) {
    if (e.state === 'migrated') c.migrated++;
    else if (e.state === 'at-head') c.atHead++;
    else if (e.state === 'failed') c.failed++;
    else if (e.state === 'unreachable') c.unreachable++;
    else if (e.state === 'running') c.running++;
    else c.skipped++;
  }
  return c;
}

/** Every target done (migrated or already at head). */
export function allDone(entries: readonly TargetEntry[]): boolean {
  return entries.every((e) => DONE.has(e.state));
}
