// Hostile names and secrets: --schema and --table values, messages and revisions stored in the
// database cannot inject SQL; a password in the URL reaches neither stdout, stderr nor the tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDatabase, urlFor } from '../helpers/postgres.js';
import { tempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { inlineParams } from '../../src/runner/util/sqlstring.js';

const HOSTILE_NAMES = [
  `x"; DROP TABLE victim; --`,
  `x'); DROP TABLE victim; --`,
  `v$3`,
  `v$1$2"$3`,
  `back\\slash'"`,
  `$$; DROP TABLE victim; $$`,
  `ünïcødé 表`,
  ` leading and trailing `,
];

// A message with a double quote: spliced into a quoted identifier, it would end the identifier.
const BAIT = `bait"; DROP TABLE victim; --`;

test('inlineParams leaves placeholders inside quoted identifiers and literals alone', () => {
  assert.is(inlineParams(`INSERT INTO "v$1" (a) VALUES ($1)`, ['x']), `INSERT INTO "v$1" (a) VALUES (E'x')`);
  assert.is(inlineParams(`SELECT 'a$1''$2', E'\\'$1', $2`, ['x', 'y']), `SELECT 'a$1''$2', E'\\'$1', E'y'`);
  assert.is(inlineParams(`SELECT "a""$1", $1`, [`"`]), `SELECT "a""$1", E'"'`);
});

for (const [i, name] of HOSTILE_NAMES.entries()) {
  test(`--schema and --table ${JSON.stringify(name)} cannot inject SQL (case ${i + 1})`, () =>
    withDatabase(async (db) => {
      const sql = tempSql([
        { revision: 'a1', message: BAIT, up: 'CREATE TABLE made_by_a1 (id int);', down: 'DROP TABLE made_by_a1;' },
        { revision: 'b2', parents: ['a1'], message: `it's $1 "quoted" \\ ok`, up: 'CREATE TABLE made_by_b2 (id int);', down: 'DROP TABLE made_by_b2;' },
      ]);
      try {
        await db.query('CREATE TABLE victim (id int)');
        const args = ['--url', db.url, '--dir', sql.dir, '--schema', name, '--table', name];
        let r = await runCli(['up', ...args]);
        assert.is(r.status, 0, r.stderr);
        const tables = await db.query<{ nspname: string; relname: string }>(
          "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
        );
        assert.equal(
          tables,
          [
            { nspname: name, relname: name },
            { nspname: name, relname: `${name}_log` },
            { nspname: 'public', relname: 'made_by_a1' },
            { nspname: 'public', relname: 'made_by_b2' },
            { nspname: 'public', relname: 'victim' },
          ].sort((a, b) => (a.nspname + '\0' + a.relname < b.nspname + '\0' + b.relname ? -1 : 1)),
          'the version tables carry the exact names given, and victim survives',
        );
        const [stored] = await db.query<{ message: string }>(`SELECT message FROM "${name.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}" WHERE revision = 'a1'`);
        assert.is(stored!.message, BAIT);
        r = await runCli(['status', '--json', ...args]);
        assert.is(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).current, ['b2']);
        r = await runCli(['down', 'base', ...args]);
        assert.is(r.status, 0, r.stderr);
        assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename IN ('made_by_a1', 'made_by_b2')"), []);
        assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'victim'"), [{ '?column?': 1 }]);
      } finally {
        sql.remove();
      }
    }),
  );
}

test('a hostile revision stored in the version table is reverted from its stored SQL without injecting', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE made_by_a1 (id int);', down: 'DROP TABLE made_by_a1;' }]);
    try {
      await db.query('CREATE TABLE victim (id int)');
      assert.is((await runCli(['up', '--url', db.url, '--dir', sql.dir])).status, 0);
      const evil = `z'); DROP TABLE victim; --`;
      await db.query(
        "INSERT INTO pgstrata_version (revision, down_revision, message, checksum, up_sql, down_sql, pgstrata_version) VALUES ($1, '{a1}', 'planted', 'x', 'SELECT 1', 'SELECT 1', 'x')",
        [evil],
      );
      const r = await runCli(['down', '--url', db.url, '--dir', sql.dir, '--allow-drift']);
      assert.is(r.status, 0, r.stderr);
      assert.equal(await db.query('SELECT revision FROM pgstrata_version'), [{ revision: 'a1' }]);
      assert.equal(await db.query<{ revision: string }>("SELECT revision FROM pgstrata_version_log WHERE event = 'down'"), [{ revision: evil }]);
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'victim'"), [{ '?column?': 1 }]);
      const target = await runCli(['up', `a1'; DROP TABLE victim; --`, '--url', db.url, '--dir', sql.dir]);
      assert.is(target.status, 2, 'a hostile target is just an unknown revision');
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'victim'"), [{ '?column?': 1 }]);
    } finally {
      sql.remove();
    }
  }),
);

test('a password in the URL appears in neither stdout, stderr nor the tables', () =>
  withDatabase(async (db) => {
    const secret = 'S3cr3t-p@ss:w/rd%';
    const encoded = encodeURIComponent(secret);
    const sql = tempSql([
      { revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
      { revision: 'b2', parents: ['a1'], up: 'SELECT nosuchcolumn FROM a;', down: 'SELECT 1;' },
    ]);
    try {
      const u = new URL(urlFor(db.name));
      u.password = encoded;
      const url = u.toString();
      const outputs: string[] = [];
      for (const args of [
        ['up', '--log-level', 'debug', '--log-format', 'json'],
        ['up', '--json', '--log-level', 'debug'],
        ['status', '--log-level', 'trace', '--log-format', 'pretty'],
        ['up', '--url', url.replace(/@.*$/, '@127.0.0.1:1/nodb'), '--log-level', 'debug'],
        ['status', '--url', 'postgres://postgres:' + encoded + '@[::1:bad/db'],
      ]) {
        const r = await runCli([...args, '--dir', sql.dir], { env: { DATABASE_URL: url } });
        outputs.push(r.stdout, r.stderr);
      }
      const r = await runCli(['up', '--dir', sql.dir], { env: { DATABASE_URL: url.replace(`:${encoded}@`, '@'), PGPASSWORD: secret } });
      outputs.push(r.stdout, r.stderr);
      const all = outputs.join('\n');
      assert.match(all, /ERROR 42703/, 'the runs did fail and report');
      assert.match(all, /postgres:\*\*\*@127\.0\.0\.1:1\/nodb/, 'the URL is shown masked');
      for (const form of [secret, encoded, 'S3cr3t']) assert.not.ok(all.includes(form), `"${form}" printed`);
      const rows = await db.query<{ t: string }>("SELECT (SELECT coalesce(string_agg(v::text, ' '), '') FROM pgstrata_version v) || (SELECT coalesce(string_agg(l::text, ' '), '') FROM pgstrata_version_log l) AS t");
      assert.not.ok(rows[0]!.t.includes('S3cr3t'), 'the tables hold no password');
      assert.match(rows[0]!.t, /42703/);
    } finally {
      sql.remove();
    }
  }),
);

test.run();
