// Every failure the runner reports is one of these classes. Each carries a stable `code`, the
// process exit status the CLI uses for it, and the original error as `cause`, so nothing that
// PostgreSQL said (SQLSTATE, position, detail) is lost on the way to the user.

/** A problem found in a file: what, where, and what to do about it. */
export interface Problem {
  /** A stable id for the kind of problem where one exists (e.g. 'empty-migration'); `check` uses it as the rule id. */
  code?: string;
  file: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

export const ExitStatus = {
  ok: 0,
  sqlFailed: 1,
  usage: 2,
  invalidSource: 3,
  drift: 4,
  lockTimeout: 5,
  connect: 6,
  checkFailed: 7,
} as const;

export abstract class PgstrataError extends Error {
  abstract readonly code: string;
  abstract readonly exitStatus: number;
  override name = this.constructor.name;
}

/** The user asked for something that cannot be done as asked (bad option, ambiguous target). */
export class UsageError extends PgstrataError {
  readonly code = 'usage';
  readonly exitStatus = ExitStatus.usage;
}

/** Migration files or their graph are invalid. All problems are collected before throwing. */
export class SourceError extends PgstrataError {
  readonly code = 'invalid-source';
  readonly exitStatus = ExitStatus.invalidSource;
  constructor(readonly problems: Problem[], summary?: string) {
    super(summary ?? `${problems.length} problem${problems.length === 1 ? '' : 's'} in the migration files`);
  }
}

export interface DriftItem {
  revision: string;
  file: string;
  kind: 'changed' | 'missing';
}

/** Applied revisions whose up file changed or vanished since they ran. */
export class DriftError extends PgstrataError {
  readonly code = 'drift';
  readonly exitStatus = ExitStatus.drift;
  constructor(readonly items: DriftItem[]) {
    super(`${items.length} applied revision${items.length === 1 ? '' : 's'} no longer match${items.length === 1 ? 'es' : ''} the files`);
  }
}

export class LockTimeoutError extends PgstrataError {
  readonly code = 'lock-timeout';
  readonly exitStatus = ExitStatus.lockTimeout;
}

/** `locks --release-stale` would not terminate the holder; the reason says why. The lock stays held. */
export class LockReleaseRefused extends PgstrataError {
  readonly code = 'lock-release-refused';
  readonly exitStatus = ExitStatus.lockTimeout;
}

export class ConnectError extends PgstrataError {
  readonly code = 'connect';
  readonly exitStatus = ExitStatus.connect;
}

/**
 * The connection goes through a pooler that moves it between server sessions (transaction or
 * statement pooling), so the migration lock could not protect the run. A configuration error.
 */
export class SessionPoolingError extends PgstrataError {
  readonly code = 'session-pooling';
  readonly exitStatus = ExitStatus.usage;
}

/** Where in which file a database error points, as the user's editor counts. */
export interface SqlLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface DatabaseErrorFields {
  sqlstate?: string;
  message: string;
  detail?: string;
  hint?: string;
  where?: string;
}

/** How far a step outside a transaction got before a statement failed. */
export interface PartialOutcome {
  statementsDone: number;
  statementsTotal: number;
  /** 1-based number of the statement that failed. */
  failedStatement: number;
  /** INVALID indexes the failed statement left behind (quoted, schema-qualified). */
  invalidIndexes: string[];
  /** The statement is a CREATE INDEX CONCURRENTLY <name>: `--resume` drops its INVALID index before running it again. */
  resumeRebuilds: boolean;
}

/** A migration's SQL failed; its transaction was rolled back (where the engine has transactions). */
export class MigrationError extends PgstrataError {
  readonly code = 'migration-failed';
  readonly exitStatus = ExitStatus.sqlFailed;
  /** Set when the step ran outside a transaction and stopped part-way. */
  readonly partial?: PartialOutcome;
  constructor(
    readonly revision: string,
    readonly direction: 'up' | 'down',
    readonly location: SqlLocation,
    readonly db: DatabaseErrorFields,
    readonly outcome: string,
    options?: { cause?: unknown; partial?: PartialOutcome },
  ) {
    super(`${direction} ${revision} failed: ${db.message}`, options);
    if (options?.partial) this.partial = options.partial;
  }
}

/** Where a dirty revision stands, as the version table's journal says. */
export interface DirtyRevision {
  revision: string;
  direction: 'up' | 'down';
  state: 'running' | 'failed';
  statementsDone: number;
  statementsTotal: number | null;
  failedLocation: string | null;
  failedStatement: string | null;
  error: string | null;
}

/**
 * A migration outside a transaction stopped part-way (failed, or the runner died): nothing runs
 * past it until the user resumes it or says how it ended. Exit status 1, like the failure itself.
 */
export class DirtyError extends PgstrataError {
  readonly code = 'dirty';
  readonly exitStatus = ExitStatus.sqlFailed;
  constructor(readonly dirty: DirtyRevision[], message: string, readonly hint: string) {
    super(message);
  }
}

export function isPgstrataError(e: unknown): e is PgstrataError {
  return e instanceof PgstrataError;
}
