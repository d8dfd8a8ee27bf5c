// One PGlite instance for the whole test process (it takes seconds and hundreds of MB to start);
// each test works in a schema of its own and drops it afterwards.
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';

let shared: Promise<PGlite> | undefined;

export function sharedPGlite(): Promise<PGlite> {
  shared ??= import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create());
  return shared;
}

/** Creates a schema, makes it the search_path, runs fn, and drops the schema. */
export async function withPGliteSchema<T>(fn: (db: PGlite, schema: string) => Promise<T>): Promise<T> {
  const db = await sharedPGlite();
  const schema = `t_${randomBytes(4).toString('hex')}`;
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  try {
    return await fn(db, schema);
  } finally {
    await db.exec(`RESET search_path; DROP SCHEMA ${schema} CASCADE`);
  }
}
