// One PGlite instance for the whole test process (it takes seconds and hundreds of MB to start);
// each test works in a schema of its own and drops it afterwards.
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';

let shared: Promise<PGlite> | undefined;

export function sharedPGlite(): Promise<PGlite> {
  shared ??= import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create());
  return shared;
}

export interface PGliteSchema {
  db: PGlite;
  schema: string;
  /** Ends a transaction a failed test left open, resets search_path and drops the schema. */
  drop(): Promise<void>;
}

/** Creates a fresh schema in the shared PGlite and makes it the search_path. */
export async function openPGliteSchema(): Promise<PGliteSchema> {
  const db = await sharedPGlite();
  const schema = `t_${randomBytes(4).toString('hex')}`;
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return {
    db,
    schema,
    drop: async () => {
      // ROLLBACK outside a transaction is only a warning; inside an aborted one it is what lets DROP run.
      await db.exec('ROLLBACK');
      await db.exec(`RESET search_path; DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/** Creates a schema, makes it the search_path, runs fn, and drops the schema. */
export async function withPGliteSchema<T>(fn: (db: PGlite, schema: string) => Promise<T>): Promise<T> {
  const s = await openPGliteSchema();
  try {
    return await fn(s.db, s.schema);
  } finally {
    await s.drop();
  }
}
