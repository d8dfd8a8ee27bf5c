// The seam between the runner and a database. Engines are kept dumb: they move SQL and errors;
// every migration decision lives in the runner.

export type EngineKind = 'postgres' | 'pglite' | 'pg-mem';

export interface EngineCapabilities {
  /** pg_try_advisory_lock and friends exist. */
  advisoryLocks: boolean;
  /** DDL inside BEGIN … ROLLBACK is undone; a failed migration leaves nothing behind. */
  transactionalDdl: boolean;
}

/** Transaction state after the last round trip, as the server reported it. */
export type TransactionStatus = 'idle' | 'open' | 'failed' | 'unknown';

export interface Engine {
  readonly kind: EngineKind;
  readonly capabilities: EngineCapabilities;
  /** Where this engine points, safe to print (no password). */
  readonly description: string;
  /** One statement; `$1…$n` parameters travel separately (extended protocol). Returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A multi-statement script in one simple-protocol round trip. Rejects with the server's error. */
  exec(script: string): Promise<void>;
  /** Whether the session is inside a transaction block after the last call. */
  transactionStatus(): TransactionStatus;
  /**
   * Optional: rejects with SessionPoolingError when consecutive calls may run on different server
   * sessions (a pooler in transaction mode). The runner calls it before taking the lock.
   */
  assertSessionPinned?(): Promise<void>;
  /** Closes the connection (or the embedded database); later calls fail. */
  close(): Promise<void>;
}
