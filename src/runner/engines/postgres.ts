// PostgreSQL over node-postgres: one pinned client, so the advisory lock, BEGIN and COMMIT all
// travel on the same session. libpq's PG* variables fill in whatever the URL leaves out.
import pg from 'pg';
import { ConnectError } from '../util/errors.js';
import { addSecret, addUrlSecret, redactForeign, redactUrl } from '../util/redact.js';
import type { Engine, TransactionStatus } from './engine.js';
import { assertSessionPinned } from './pooling.js';

export class PostgresEngine implements Engine {
  readonly kind = 'postgres';
  readonly capabilities = { advisoryLocks: true, transactionalDdl: true };

  private constructor(private readonly client: pg.Client, readonly description: string) {}

  static async connect(url: string, applicationName = 'pgstrata'): Promise<PostgresEngine> {
    addSecret(process.env.PGPASSWORD);
    addUrlSecret(url);
    const description = redactUrl(url);
    // An empty postgres:// leaves host, user and database to PG* variables, as libpq does.
    const connectionString = /^postgres(ql)?:\/\/$/.test(url) ? undefined : url;
    const client = new pg.Client({ connectionString, application_name: applicationName });
    // A dropped connection emits 'error' on the client; the pending query rejects with it too,
    // so the listener only keeps the process from crashing on the unhandled event.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw new ConnectError(`cannot connect to ${description}: ${redactForeign((e as Error).message)}`, { cause: e });
    }
    return new PostgresEngine(client, description);
  }

  /** Wraps a client the caller connected; the caller keeps ownership unless `close` is called. */
  static fromClient(client: pg.Client, description = 'postgres (caller-provided client)'): PostgresEngine {
    return new PostgresEngine(client, description);
  }

  async assertSessionPinned(): Promise<void> {
    const pid = async (c: pg.Client) => (await c.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]!.pid;
    await assertSessionPinned(
      {
        announcedPid: (this.client as unknown as { processID: number | null }).processID,
        backendPid: () => pid(this.client),
        probeBackendPid: async () => {
          // The same connection settings as this client, URL or PG* variables alike.
          const { user, host, port, database, password, ssl } = (this.client as unknown as { connectionParameters: pg.ClientConfig }).connectionParameters;
          const probe = new pg.Client({ user, host, port, database, password, ssl, application_name: 'pgstrata-pooler-check' } as pg.ClientConfig);
          probe.on('error', () => {});
          try {
            await probe.connect();
            return await pid(probe);
          } catch (e) {
            throw new ConnectError(`${this.description} goes through a pooler, and a second connection to check its pool mode failed: ${redactForeign((e as Error).message)}`, { cause: e });
          } finally {
            await probe.end().catch(() => {});
          }
        },
      },
      this.description,
    );
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const result = await this.client.query(sql, params);
    return result.rows as T[];
  }

  async exec(script: string): Promise<void> {
    // Without parameters node-postgres uses the simple protocol: the whole script is one message.
    try {
      await this.client.query(script);
    } catch (e) {
      // node-postgres rejects on the ErrorResponse, before the ReadyForQuery that carries the
      // transaction status; an empty query waits for it, so transactionStatus() is then true.
      await this.client.query('').catch(() => {});
      throw e;
    }
  }

  transactionStatus(): TransactionStatus {
    switch (this.client.getTransactionStatus()) {
      case 'I':
        return 'idle';
      case 'T':
        return 'open';
      case 'E':
        return 'failed';
      default:
        return 'unknown';
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
