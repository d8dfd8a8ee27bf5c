// check --roundtrip --prelude: a file run on the scratch database before the first revision, whose
// extensions and objects are there again after every reset; PGlite loads the contrib extensions the
// prelude and the migrations create, and refuses by name one it does not ship.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCheck, type CheckReport } from '../src/check/index.js';
import { SourceError, UsageError } from '../src/runner/util/errors.js';
import { runCli } from './helpers/cli.js';
import { tempSql, type MigrationSpec, type TempSql } from './helpers/migrations.js';
import { SERVER_URL } from './helpers/postgres.js';

const PRELUDE = `-- What production got by hand before the first migration.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA IF NOT EXISTS util;
CREATE OR REPLACE FUNCTION util.slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g')) $$;
`;

/** r2's down leaves a column, so the round trip resets the database before r3, which needs the prelude's extensions and function. */
const HISTORY: MigrationSpec[] = [
  { revision: 'r1', up: 'CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL, attrs hstore);\nCREATE INDEX item_name_trgm ON item USING gin (name gin_trgm_ops);', down: 'DROP TABLE item;' },
  { revision: 'r2', parents: ['r1'], up: 'ALTER TABLE item ADD COLUMN note text;', down: 'SELECT 1;' },
  {
    revision: 'r3',
    parents: ['r2'],
    up: "ALTER TABLE item ADD COLUMN code citext, ADD COLUMN slug text DEFAULT util.slug('New Item');\nCREATE INDEX item_attrs ON item USING gin (attrs);\nCREATE INDEX item_code_trgm ON item USING gist (code gist_trgm_ops);",
    down: 'DROP INDEX item_code_trgm;\nDROP INDEX item_attrs;\nALTER TABLE item DROP COLUMN slug, DROP COLUMN code;',
  },
];

const QUIET = { 'require-lock-timeout': 'off', 'drop-column': 'off', 'create-index-concurrently': 'off' };

async function withHistory<T>(migrations: MigrationSpec[], fn: (t: TempSql, prelude: string) => Promise<T>): Promise<T> {
  const t = tempSql(migrations);
  try {
    const prelude = join(t.dir, 'prelude.sql');
    writeFileSync(prelude, PRELUDE);
    return await fn(t, prelude);
  } finally {
    t.remove();
  }
}

const roundtripFindings = (r: CheckReport) => r.findings.filter((f) => f.rule.startsWith('roundtrip-')).map((f) => `${f.rule} ${f.revision}: ${f.message}`);

for (const [where, url] of [['PGlite', undefined], ['the server', SERVER_URL]] as const) {
  test(`on ${where}: the prelude's extensions and function survive the reset after r2, so r3 is checked`, async () => {
    await withHistory(HISTORY, async (t, prelude) => {
      const r = await runCheck({ dir: t.dir, roundtrip: true, prelude, rules: QUIET, ...(url ? { url } : {}) });
      assert.equal(roundtripFindings(r), ['roundtrip-difference r2: column item.note still exists after down (revision r2)']);
      assert.is(r.roundtrip?.checked, 3);
      assert.equal(r.roundtrip?.skipped, []);
      assert.equal(r.roundtrip?.defects, { upFails: 0, downFails: 0, notRestored: 0, leftovers: 1, columnOrder: 0 });
    });
  });

  test(`on ${where}: without the prelude, the up fails and the fix names the prelude`, async () => {
    await withHistory(HISTORY, async (t) => {
      const r = await runCheck({ dir: t.dir, roundtrip: true, rules: QUIET, ...(url ? { url } : {}) });
      const failed = r.findings.filter((f) => f.rule === 'roundtrip-failed');
      assert.is(failed.length, 1);
      assert.is(failed[0]!.revision, 'r1');
      assert.match(failed[0]!.message, /ERROR 42704: type "hstore" does not exist/);
      assert.match(failed[0]!.fix, /--prelude FILE/);
      assert.is(failed[0]!.line, 5);
      assert.equal(r.roundtrip?.skipped?.map((s) => s.revision), ['r2', 'r3']);
      assert.is(r.roundtrip?.defects?.upFails, 1);
    });
  });
}

test('on PGlite: an extension created by a migration itself loads too', async () => {
  await withHistory([{ revision: 'r1', up: "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";\nCREATE TABLE k (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), tag ltree);\nCREATE EXTENSION ltree;", down: 'DROP TABLE k;\nDROP EXTENSION ltree;\nDROP EXTENSION "uuid-ossp";' }], async (t) => {
    // ltree is created after the table that uses it: the up fails on its type, as on a server.
    const r = await runCheck({ dir: t.dir, roundtrip: true, rules: QUIET });
    assert.match(r.findings.find((f) => f.rule === 'roundtrip-failed')?.message ?? '', /type "ltree" does not exist/);
  });
  await withHistory([{ revision: 'r1', up: 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION ltree;\nCREATE TABLE k (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), tag ltree);', down: 'DROP TABLE k;\nDROP EXTENSION ltree;\nDROP EXTENSION "uuid-ossp";' }], async (t) => {
    const r = await runCheck({ dir: t.dir, roundtrip: true, rules: QUIET });
    assert.equal(roundtripFindings(r), []);
    assert.is(r.roundtrip?.checked, 1);
  });
});

test('on PGlite: an extension PGlite does not ship is refused by name and place, with the way out', async () => {
  await withHistory([{ revision: 'r1', up: 'CREATE EXTENSION postgis;\nCREATE TABLE p (id int);', down: 'DROP TABLE p;' }], async (t) => {
    const e = await runCheck({ dir: t.dir, roundtrip: true, rules: QUIET }).then(() => undefined, (x: unknown) => x);
    assert.instance(e, UsageError);
    assert.match((e as Error).message, /"postgis" \(.*up\/r1_step\.sql:5\)/);
    assert.match((e as Error).message, /--url postgres:\/\//);
  });
});

test('a prelude that fails names its file and line, and nothing is checked', async () => {
  await withHistory(HISTORY, async (t, prelude) => {
    writeFileSync(prelude, 'CREATE EXTENSION IF NOT EXISTS hstore;\nCREATE FUNCTION broken() RETURNS int LANGUAGE sql AS $$ SELECT nope $$;\n');
    const e = await runCheck({ dir: t.dir, roundtrip: true, prelude, url: SERVER_URL }).then(() => undefined, (x: unknown) => x);
    assert.instance(e, SourceError);
    const [p] = (e as SourceError).problems;
    assert.is(p?.file, prelude);
    assert.is(p?.line, 2);
    assert.match(p?.message ?? '', /ERROR 42703: column "nope" does not exist/);
  });
});

test('CLI: --prelude, --scratch-prefix and the prelude config key; a missing prelude is a usage error', async () => {
  await withHistory(HISTORY, async (t, prelude) => {
    const ok = await runCli(['check', '--dir', t.dir, '--roundtrip', '--json', '--url', SERVER_URL, '--prelude', prelude, '--scratch-prefix', 'pgstrata_prelude_test', '--rules.require-lock-timeout', 'off', '--rules.drop-column', 'off', '--rules.create-index-concurrently', 'off']);
    const report = JSON.parse(ok.stdout) as CheckReport;
    assert.match(report.roundtrip?.database ?? '', /\/pgstrata_prelude_test_[0-9a-f]{12}$/);
    assert.is(report.roundtrip?.checked, 3);
    const config = join(t.dir, 'pgstrata.json');
    writeFileSync(config, JSON.stringify({ prelude, 'scratch-template': 'template0' }));
    const fromConfig = await runCli(['check', '--dir', t.dir, '--roundtrip', '--json', '--url', SERVER_URL, '--config', config]);
    assert.is((JSON.parse(fromConfig.stdout) as CheckReport).roundtrip?.checked, 3);
    // The same config file does not trouble a command that has no round trip.
    const plain = await runCli(['check', '--dir', t.dir, '--config', config, '--json']);
    assert.ok(plain.stdout.includes('"findings"'));
    const missing = await runCli(['check', '--dir', t.dir, '--roundtrip', '--prelude', join(t.dir, 'nope.sql')]);
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /--prelude .*nope\.sql: cannot read it \(ENOENT\)/);
  });
});

test.run();
