// The embedded default database before anything has created it. Read-only commands and dry runs
// treat it as a database with nothing applied instead of creating the directory (and paying for
// PGlite's start-up): every read finds no table, as in a new database, and nothing can be written.
import { UsageError } from '../util/errors.js';
import type { Engine, TransactionStatus } from './engine.js';

export class AbsentDatabase implements Engine {
  readonly kind = 'pglite';
  readonly capabilities = { advisoryLocks: true, transactionalDdl: true };
  readonly description: string;

  constructor(readonly dir: string) {
    this.description = `no database yet at ${dir}`;
  }

  /** As a new database answers a read of pgstrata's (or Alembic's) tables: undefined_table. */
  query<T>(): Promise<T[]> {
    return Promise.reject(Object.assign(new Error(`relation does not exist: ${this.description}`), { code: '42P01' }));
  }

  exec(): Promise<void> {
    return Promise.reject(new UsageError(`${this.description}: this command would write to it; run it without --dry-run, or \`pgstrata up\` first`));
  }

  transactionStatus(): TransactionStatus {
    return 'idle';
  }

  async close(): Promise<void> {}
}
