// The incremental snapshot re-reads only the relations whose catalog rows changed: after each of
// a long list of DDL statements (renames of what other definitions name among them), it must be
// exactly the full snapshot. On PGlite and on the server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../src/runner/engines/engine.js';
import { openEngine } from '../src/runner/engines/open.js';
import { PGliteEngine } from '../src/runner/engines/pglite.js';
import { IncrementalSnapshots } from '../src/check/roundtrip/incremental.js';
import { Snapshotter, type Snapshot } from '../src/check/roundtrip/snapshot.js';
import { withPGliteSchema } from './helpers/pglite.js';
import { createDatabase } from './helpers/postgres.js';

const STEPS = [
  'CREATE TABLE account (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz DEFAULT now())',
  'CREATE TABLE invoice (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id bigint REFERENCES account (id), total numeric(10,2) CHECK (total >= 0))',
  'CREATE INDEX invoice_account ON invoice (account_id)',
  'CREATE TABLE untouched (id int PRIMARY KEY, note text)',
  // what the foreign key's definition names, renamed: the invoice's constraint text changes
  'ALTER TABLE account RENAME TO customer',
  'ALTER TABLE customer RENAME COLUMN id TO customer_id',
  "CREATE TYPE status AS ENUM ('open', 'paid')",
  "ALTER TABLE invoice ADD COLUMN state status NOT NULL DEFAULT 'open'",
  'ALTER TYPE status RENAME TO invoice_status',
  "ALTER TYPE invoice_status ADD VALUE 'void'",
  'CREATE VIEW open_invoice AS SELECT id, total FROM invoice WHERE state = \'open\'',
  'ALTER TABLE invoice RENAME COLUMN total TO amount',
  'DROP VIEW open_invoice',
  'CREATE SEQUENCE ticket_seq',
  "ALTER TABLE untouched ADD COLUMN ticket int DEFAULT nextval('ticket_seq')",
  'ALTER SEQUENCE ticket_seq RENAME TO ticket_no',
  'ALTER SEQUENCE ticket_no INCREMENT BY 5',
  "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$",
  'CREATE TRIGGER customer_touch BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION touch()',
  'ALTER FUNCTION touch() RENAME TO touch_row',
  'CREATE FUNCTION positive(n numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n > 0 $$',
  'ALTER TABLE invoice ADD CONSTRAINT invoice_positive CHECK (positive(amount))',
  'ALTER FUNCTION positive(numeric) RENAME TO is_positive',
  'ALTER TABLE invoice DROP CONSTRAINT invoice_positive',
  'ALTER TABLE untouched ALTER COLUMN ticket DROP DEFAULT',
  'ALTER INDEX invoice_account RENAME TO invoice_by_account',
  'DROP INDEX invoice_by_account',
  'ALTER TABLE invoice ALTER COLUMN amount TYPE numeric(12,2)',
  'CREATE DOMAIN email AS text CHECK (VALUE LIKE \'%@%\')',
  'ALTER TABLE customer ALTER COLUMN email TYPE email',
  'ALTER DOMAIN email RENAME TO email_address',
  'CREATE TABLE event (id int, at date NOT NULL) PARTITION BY RANGE (at)',
  "CREATE TABLE event_2026 PARTITION OF event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
  'CREATE MATERIALIZED VIEW invoice_total AS SELECT account_id, sum(amount) AS amount FROM invoice GROUP BY account_id',
  'ALTER TABLE customer ALTER COLUMN created_at SET NOT NULL',
  'ALTER TABLE customer DROP CONSTRAINT account_email_key',
  'CREATE SCHEMA archive',
  'ALTER TABLE untouched SET SCHEMA archive',
  'DROP TABLE invoice CASCADE',
  'ALTER TABLE customer ADD COLUMN id2 serial',
  'ALTER TABLE customer DROP COLUMN id2',
];

const entries = (s: Snapshot) => ({ objects: [...s.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)), columns: [...s.columns.entries()].sort(([a], [b]) => (a < b ? -1 : 1)) });

async function replay(engine: Engine): Promise<void> {
  const full = new Snapshotter(engine, 'pgstrata_check');
  const partial = new Snapshotter(engine, 'pgstrata_check');
  const incremental = new IncrementalSnapshots(engine, 'pgstrata_check', partial);
  try {
    assert.equal(entries(await incremental.take()), entries(await full.take()));
    for (const step of STEPS) {
      await engine.exec(step);
      assert.equal(entries(await incremental.take()), entries(await full.take()), `after: ${step}`);
    }
    // A step that changes nothing, and one rolled back, leave the snapshot as it was.
    const before = entries(await full.take());
    await engine.exec('BEGIN; ALTER TABLE customer ADD COLUMN gone int; ROLLBACK');
    assert.equal(entries(await incremental.take()), before);
  } finally {
    await full.close();
    await incremental.close();
    await partial.close();
  }
}

test('on PGlite: after every statement, the incremental snapshot is the full one', async () => {
  await withPGliteSchema((db) => replay(PGliteEngine.fromInstance(db)));
});

test('on the server: after every statement, the incremental snapshot is the full one', async () => {
  const db = await createDatabase();
  const engine = await openEngine(db.url, { lockTimeoutMs: 0 });
  try {
    await replay(engine);
  } finally {
    await engine.close();
    await db.drop();
  }
});

test.run();
