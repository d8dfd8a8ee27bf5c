// A fresh database per test on the real server, dropped afterwards, so tests run in any order.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use; README documents it. */
export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs one query on a short-lived connection to this database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function urlFor(database: string, base = SERVER_URL): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createDatabase(prefix = 'pgstrata_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = urlFor(name);
  return {
    name,
    url,
    async query<T>(sql: string, params?: unknown[]) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    },
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** Creates a database, runs fn, and drops it whatever happens. */
export async function withDatabase<T>(fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createDatabase();
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

/** Two databases (to build one way and another, and compare), both dropped whatever happens. */
export function withTwoDatabases<T>(fn: (a: TestDatabase, b: TestDatabase) => Promise<T>): Promise<T> {
  return withDatabase((a) => withDatabase((b) => fn(a, b)));
}
