// The three engines, each opened on a fresh, isolated place: a new database on the server, a new
// schema in the shared PGlite, a new pg-mem instance.
import type { Engine } from '../../src/runner/engines/engine.js';
import { PostgresEngine } from '../../src/runner/engines/postgres.js';
import { PGliteEngine } from '../../src/runner/engines/pglite.js';
import { PgMemEngine } from '../../src/runner/engines/pgmem.js';
import { createDatabase } from './postgres.js';
import { openPGliteSchema } from './pglite.js';

export interface OpenEngine {
  engine: Engine;
  /** Schema where unqualified objects (and the version table) land. */
  schema: string;
  cleanup(): Promise<void>;
}

export interface EngineHarness {
  name: string;
  open(): Promise<OpenEngine>;
}

export const harnesses: EngineHarness[] = [
  {
    name: 'postgres',
    async open() {
      const db = await createDatabase();
      const engine = await PostgresEngine.connect(db.url).catch(async (e: unknown) => {
        await db.drop();
        throw e;
      });
      return { engine, schema: 'public', cleanup: async () => (await engine.close().catch(() => {}), await db.drop()) };
    },
  },
  {
    name: 'pglite',
    async open() {
      const { db, schema, drop } = await openPGliteSchema();
      return { engine: PGliteEngine.fromInstance(db), schema, cleanup: drop };
    },
  },
  {
    name: 'pg-mem',
    async open() {
      const { newDb } = await import('pg-mem');
      const engine = await PgMemEngine.fromInstance(newDb());
      return { engine, schema: 'public', cleanup: () => engine.close() };
    },
  },
];

export { genesisRows } from './migrations.js';

/** Tables and columns in a schema, in column order: comparable within one engine. */
export async function columnSnapshot(engine: Engine, schema: string): Promise<string[]> {
  const rows = await engine.query<{ table_name: string; column_name: string; data_type: string }>(
    'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position',
    [schema],
  );
  return rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}`);
}

export async function tableNames(engine: Engine, schema: string): Promise<string[]> {
  const rows = await engine.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
  return rows.map((r) => r.table_name).sort();
}
