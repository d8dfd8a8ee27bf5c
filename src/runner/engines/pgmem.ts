// pg-mem: an in-memory emulation of PostgreSQL for application test suites. It has no advisory
// locks and no transactional DDL; the runner reads those gaps from `capabilities` and says so.
import type { IMemoryDb } from 'pg-mem';
import type { Engine, TransactionStatus } from './engine.js';

interface PgLikeClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<unknown>;
}

export class PgMemEngine implements Engine {
  readonly kind = 'pg-mem';
  readonly capabilities = { advisoryLocks: false, transactionalDdl: false };

  private constructor(private readonly client: PgLikeClient, readonly description: string) {}

  /** A new empty in-memory database (it lives as long as this process). */
  static async create(): Promise<PgMemEngine> {
    const { newDb } = await import('pg-mem');
    return PgMemEngine.fromInstance(newDb(), 'pgmem:');
  }

  /** Runs against the caller's pg-mem database, e.g. the one an application's tests query. */
  static async fromInstance(db: IMemoryDb, description = 'pg-mem (caller-provided instance)'): Promise<PgMemEngine> {
    await addMissingFunctions(db);
    const { Client } = db.adapters.createPg() as { Client: new () => PgLikeClient };
    const client = new Client();
    await client.connect();
    return new PgMemEngine(client, description);
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }

  transactionStatus(): TransactionStatus {
    return 'unknown';
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * PostgreSQL functions that pg-mem lacks but ordinary migrations use for backfills
 * (the Genesis history does). Implemented as PostgreSQL documents them.
 */
async function addMissingFunctions(db: IMemoryDb): Promise<void> {
  const { DataType } = await import('pg-mem');
  try {
    db.public.registerFunction({
      name: 'split_part',
      args: [DataType.text, DataType.text, DataType.integer],
      returns: DataType.text,
      implementation: (text: string, delimiter: string, n: number) => {
        const parts = delimiter === '' ? [text] : text.split(delimiter);
        const i = n > 0 ? n - 1 : parts.length + n;
        return parts[i] ?? '';
      },
    });
  } catch {
    // already registered on this instance
  }
}
