// `stamp --from TOOL`: a database that golang-migrate, dbmate, goose, sql-migrate or Flyway brought to
// some version carries on under pgstrata from there. Each tool's real version table (its own DDL and
// rows as it writes them) is read; the import manifest maps its versions to revisions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importHistory } from '../src/import/index.js';
import type { ImportFormat } from '../src/import/model.js';
import { runCli } from './helpers/cli.js';
import { withDatabase, type TestDatabase } from './helpers/postgres.js';

/** Three migrations in the tool's own format: tables a, b, c. */
function sources(tool: ImportFormat): Record<string, string> {
  const t = (n: string) => `CREATE TABLE ${n} (id int);`;
  const d = (n: string) => `DROP TABLE ${n};`;
  switch (tool) {
    case 'golang-migrate':
      return Object.fromEntries(['a', 'b', 'c'].flatMap((n, i) => [[`${i + 1}_${n}.up.sql`, t(n)], [`${i + 1}_${n}.down.sql`, d(n)]]));
    case 'goose':
      return Object.fromEntries(['a', 'b', 'c'].map((n, i) => [`0000${i + 1}_${n}.sql`, `-- +goose Up\n${t(n)}\n-- +goose Down\n${d(n)}\n`]));
    case 'sql-migrate':
      return Object.fromEntries(['a', 'b', 'c'].map((n, i) => [`${i + 1}_${n}.sql`, `-- +migrate Up\n${t(n)}\n-- +migrate Down\n${d(n)}\n`]));
    case 'dbmate':
      return Object.fromEntries(['a', 'b', 'c'].map((n, i) => [`2024010${i + 1}000000_${n}.sql`, `-- migrate:up\n${t(n)}\n\n-- migrate:down\n${d(n)}\n`]));
    case 'flyway':
      return Object.fromEntries(['a', 'b', 'c'].flatMap((n, i) => [[`V1_${i + 1}__${n}.sql`, t(n)], [`U1_${i + 1}__${n}.sql`, d(n)]]));
  }
}

/** The tool's version table, as the tool creates it, saying that a and b are applied. */
const TABLES: Record<ImportFormat, string> = {
  'golang-migrate': 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, false);',
  dbmate: "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000');",
  goose:
    'CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());' +
    ' INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true), (3, false);',
  'sql-migrate': "CREATE TABLE gorp_migrations (id text PRIMARY KEY, applied_at timestamptz); INSERT INTO gorp_migrations VALUES ('1_a.sql', now()), ('2_b.sql', now());",
  flyway:
    'CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);' +
    " INSERT INTO flyway_schema_history VALUES (1, '1.1', 'a', 'SQL', 'V1_1__a.sql', 1, 'app', now(), 5, true), (2, '1.2', 'b', 'SQL', 'V1_2__b.sql', 2, 'app', now(), 5, true), (3, '1.3', 'c', 'SQL', 'V1_3__c.sql', 3, 'app', now(), 5, true), (4, '1.3', 'c', 'UNDO_SQL', 'U1_3__c.sql', 3, 'app', now(), 5, true);",
};

async function withImported(tool: ImportFormat, fn: (dir: string, db: TestDatabase) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pgstrata-stamp-from-'));
  try {
    const src = join(root, 'src');
    mkdirSync(src);
    for (const [name, text] of Object.entries(sources(tool))) writeFileSync(join(src, name), text);
    const dir = join(root, 'sql');
    await importHistory({ from: tool, src, out: dir });
    await withDatabase((db) => fn(dir, db));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

for (const tool of ['golang-migrate', 'dbmate', 'goose', 'sql-migrate', 'flyway'] as const) {
  test(`stamp --from ${tool}: what its version table says is applied is recorded, and up runs the rest`, () =>
    withImported(tool, async (dir, db) => {
      await db.query(`CREATE TABLE a (id int); CREATE TABLE b (id int); ${TABLES[tool]}`);
      const dry = await runCli(['stamp', '--from', tool, '--dry-run', '--dir', dir, '--url', db.url]);
      assert.is(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, /Would stamp \(no SQL run\):\n  add /);
      const stamped = await runCli(['stamp', '--from', tool, '--dir', dir, '--url', db.url, '--json']);
      assert.is(stamped.status, 0, stamped.stderr);
      assert.is(JSON.parse(stamped.stdout).steps.length, 2);
      const status = await runCli(['status', '--dir', dir, '--url', db.url, '--json']);
      const revisions = JSON.parse(status.stdout).revisions as Array<{ state: string }>;
      assert.equal(revisions.map((r) => r.state), ['applied', 'applied', 'pending'], status.stdout);
      const up = await runCli(['up', '--dir', dir, '--url', db.url]);
      assert.is(up.status, 0, up.stderr);
      assert.is((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'c'")).length, 1);
      const again = await runCli(['stamp', '--from', tool, '--dir', dir, '--url', db.url]);
      assert.is(again.status, 0, again.stderr);
      assert.match(again.stdout, /Nothing to stamp/);
    }));
}

test('stamp --from refuses, recording nothing: a dirty golang-migrate row, a failed Flyway row, versions goose ran out of order, a version no revision comes from, a missing table', async () => {
  const cases: Array<[ImportFormat, string, number, RegExp]> = [
    ['golang-migrate', 'CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, true);', 2, /version 2 is dirty.*migrate force/],
    ['flyway', TABLES.flyway.replace("'V1_2__b.sql', 2, 'app', now(), 5, true", "'V1_2__b.sql', 2, 'app', now(), 5, false"), 2, /failed migration \(V1_2__b\.sql.*flyway repair/],
    ['goose', 'CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL); INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (3, true);', 2, /not 00002.*out of order/],
    ['dbmate', "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20991231000000');", 3, /applied 20991231000000, but no revision comes from it/],
    ['sql-migrate', 'SELECT 1;', 2, /there is no table gorp_migrations/],
  ];
  for (const [tool, setup, status, expected] of cases) {
    await withImported(tool, async (dir, db) => {
      await db.query(setup);
      const r = await runCli(['stamp', '--from', tool, '--dir', dir, '--url', db.url]);
      assert.is(r.status, status, `${tool}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr.replace(/\n/g, ' '), expected);
      const rows = await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'pgstrata_version'");
      if (rows.length > 0) assert.is((await db.query('SELECT * FROM pgstrata_version')).length, 0, `${tool}: nothing recorded`);
    });
  }
});

test.run();
