// `pgstrata import`: each source tool's folder becomes a pgstrata history in the tool's order, with
// its non-transactional sides marked, a manifest, and nothing written when a file cannot be taken.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importHistory } from '../src/import/index.js';
import type { ImportFormat } from '../src/import/model.js';
import { SourceError, UsageError } from '../src/runner/util/errors.js';
import { runCli } from './helpers/cli.js';
import { withDatabase } from './helpers/postgres.js';

/** A temp folder holding `src/` with the given files; removed after `fn`. */
async function withSource(files: Record<string, string>, fn: (src: string, out: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pgstrata-import-'));
  try {
    const src = join(root, 'src');
    mkdirSync(src);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(src, name), text);
    await fn(src, join(root, 'sql'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const run = (from: ImportFormat, src: string, out: string, extra: { force?: boolean; dryRun?: boolean } = {}) => importHistory({ from, src, out, ...extra });
const read = (out: string, path: string) => readFileSync(join(out, path), 'utf8');

async function refused(fn: () => Promise<unknown>): Promise<SourceError> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, SourceError);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}

test('golang-migrate: numeric order (2 before 10), a missing down becomes an empty down, CONCURRENTLY and an own BEGIN get transaction: none', () =>
  withSource(
    {
      '10_add_index.up.sql': 'CREATE INDEX CONCURRENTLY t_name ON t (name);\n',
      '10_add_index.down.sql': 'DROP INDEX CONCURRENTLY t_name;\n',
      '2_create_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, name text);\n',
      '2_create_t.down.sql': 'DROP TABLE t;\n',
      '11_backfill.up.sql': 'BEGIN;\nUPDATE t SET name = id::text;\nCOMMIT;\n',
    },
    async (src, out) => {
      const r = await run('golang-migrate', src, out);
      assert.equal(r.manifest.revisions.map((m) => [m.revision, m.down_revision]), [['2', null], ['10', '2'], ['11', '10']]);
      assert.match(read(out, 'up/10_add_index.sql'), /^-- revision: 10\n-- down_revision: 2\n-- message: add index\n-- transaction: none\n\n/);
      assert.match(read(out, 'down/10_add_index.sql'), /^-- transaction: none\n/);
      assert.equal(r.manifest.revisions[1]!.inferred, ['up: CREATE INDEX CONCURRENTLY at line 1', 'down: DROP INDEX CONCURRENTLY at line 1']);
      assert.equal(r.manifest.revisions[2]!.transaction, { up: false, down: false });
      assert.is(r.manifest.revisions[2]!.no_down, true);
      assert.not.match(read(out, 'down/11_backfill.sql').replace(/^--.*$/gm, ''), /\S/);
      const manifest = JSON.parse(read(out, 'import-manifest.json'));
      assert.equal(manifest.revisions[0].source_files, ['2_create_t.up.sql', '2_create_t.down.sql']);
      assert.is(manifest.format, 'golang-migrate');
    },
  ));

test('goose: Up/Down sections, StatementBegin/End dropped, NO TRANSACTION on both sides, version order', () =>
  withSource(
    {
      '20240102000000_fn.sql': '-- a comment above\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION f();\n',
      '20240101000000_init.sql': '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n',
      '20240103000000_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n-- +goose Down\nDROP INDEX CONCURRENTLY a_id;\n',
    },
    async (src, out) => {
      const r = await run('goose', src, out);
      assert.equal(r.manifest.revisions.map((m) => m.revision), ['20240101000000', '20240102000000', '20240103000000']);
      const fn = read(out, 'up/20240102000000_fn.sql');
      assert.not.match(fn, /\+goose/);
      assert.match(fn, /CREATE FUNCTION f\(\)/);
      assert.equal(r.manifest.revisions[2]!.transaction, { up: false, down: false });
      assert.match(read(out, 'down/20240103000000_idx.sql'), /^-- transaction: none\n\n-- imported from goose: 20240103000000_idx.sql/);
    },
  ));

test('sql-migrate: files sharing a number keep the order of their names and get distinct revisions; notransaction per side', () =>
  withSource(
    {
      '2_b_second.sql': '-- +migrate Up\nCREATE TABLE b2 (id int);\n-- +migrate Down\nDROP TABLE b2;\n',
      '2_a_first.sql': '-- +migrate Up\nCREATE TABLE b1 (id int);\n-- +migrate Down\nDROP TABLE b1;\n',
      '1_init.sql': '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY x ON y (z);\n-- +migrate Down\nDROP INDEX x;\n',
    },
    async (src, out) => {
      const r = await run('sql-migrate', src, out);
      assert.equal(r.manifest.revisions.map((m) => [m.revision, m.recorded_as]), [['1', '1_init.sql'], ['2a', '2_a_first.sql'], ['2b', '2_b_second.sql']]);
      assert.equal(r.manifest.revisions[0]!.transaction, { up: false, down: true });
    },
  ));

test('dbmate: migrate:up / migrate:down with transaction:false on the down side only', () =>
  withSource(
    {
      '20230101000000_enum.sql': "-- migrate:up\nCREATE TYPE mood AS ENUM ('sad');\n\n-- migrate:down\nDROP TYPE mood;\n",
      '20230102000000_add_value.sql': "-- migrate:up transaction:false\nALTER TYPE mood ADD VALUE 'happy';\n\n-- migrate:down\n",
    },
    async (src, out) => {
      const r = await run('dbmate', src, out);
      assert.equal(r.manifest.revisions[1]!.transaction, { up: false, down: true });
      assert.ok(!r.manifest.revisions[1]!.no_down, 'an empty down section is a down, empty');
      assert.match(read(out, 'up/20230102000000_add_value.sql'), /-- transaction: none\n\n/);
    },
  ));

test('Flyway: versions compared part by part (1.9 before 1.10), U files are the downs, a .sql.conf turns the transaction off', () =>
  withSource(
    {
      'V1__init.sql': 'CREATE TABLE a (id int);\n',
      'U1__init.sql': 'DROP TABLE a;\n',
      'V1_10__later.sql': 'ALTER TABLE a ADD COLUMN c int;\n',
      'V1.9__earlier.sql': 'ALTER TABLE a ADD COLUMN b int;\n',
      'V2__idx.sql': 'CREATE INDEX a_b ON a (b);\n',
      'V2__idx.sql.conf': 'executeInTransaction=false\n',
    },
    async (src, out) => {
      const r = await run('flyway', src, out);
      assert.equal(r.manifest.revisions.map((m) => [m.revision, m.recorded_as]), [['1', '1'], ['1p9', '1.9'], ['1p10', '1.10'], ['2', '2']]);
      assert.is(r.manifest.revisions[0]!.no_down, undefined);
      assert.is(r.manifest.revisions[1]!.no_down, true);
      assert.equal(r.manifest.revisions[3]!.transaction.up, false);
      assert.is(read(out, 'down/1_init.sql').includes('DROP TABLE a;'), true);
    },
  ));

test('a file it cannot classify stops the import, every such file named, and nothing is written', async () => {
  const cases: Array<[ImportFormat, Record<string, string>, RegExp]> = [
    ['golang-migrate', { '1_a.up.sql': 'select 1;', 'notes.txt': 'x', '1_b.up.sql': 'select 2;' }, /notes\.txt[\s\S]*second up file for version 1|second up file[\s\S]*notes\.txt/],
    ['goose', { '1_a.sql': 'CREATE TABLE a (id int);\n' }, /no goose Up annotation/],
    ['goose', { '1_a.sql': '-- +goose Up\nselect 1;\n', '2_b.go': 'package x' }, /written in Go/],
    ['goose', { '1_a.sql': '-- +goose Up\nselect 1;\n', '01_b.sql': '-- +goose Up\nselect 2;\n' }, /1_a\.sql: version 1 is also the version of 01_b\.sql/],
    ['dbmate', { '1_a.sql': '-- migrate:up\nselect 1;\n-- migrate:sideways\n' }, /1_a\.sql:3[\s\S]*not a dbmate annotation/],
    ['flyway', { 'V1__a.sql': 'select 1;', 'R__views.sql': 'select 1;' }, /repeatable/],
    ['sql-migrate', { '1_a.sql': 'select 1;\n-- +migrate Up\nselect 2;\n' }, /SQL before the first annotation/],
  ];
  for (const [format, files, expected] of cases) {
    await withSource(files, async (src, out) => {
      const e = await refused(() => run(format, src, out));
      const text = e.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}. ${p.hint}`).join('\n');
      assert.match(text, expected, `${format}: ${text}`);
      assert.ok(!existsSync(out), `${format}: nothing is written`);
      assert.equal(readdirSync(join(out, '..')).sort(), ['src'], `${format}: no temporary folder is left behind`);
    });
  }
});

test('an --dir that holds files is refused unless --force, which replaces it; --dry-run writes nothing', () =>
  withSource({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' }, async (src, out) => {
    await run('golang-migrate', src, out, { dryRun: true });
    assert.ok(!existsSync(out));
    mkdirSync(join(out, 'up'), { recursive: true });
    writeFileSync(join(out, 'up', 'old.sql'), 'x');
    try {
      await run('golang-migrate', src, out);
      assert.unreachable('an --dir with files must be refused');
    } catch (e) {
      assert.instance(e, UsageError);
      assert.match((e as Error).message, /already holds up.*--force/);
    }
    assert.ok(existsSync(join(out, 'up', 'old.sql')), 'the refusal leaves it as it was');
    await run('golang-migrate', src, out, { force: true });
    assert.equal(readdirSync(join(out, 'up')), ['1_a.sql']);
  }));

test('an imported history passes check, applies with up on the server, and comes down again', () =>
  withSource(
    {
      '1_users.sql': '-- +goose Up\nCREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n-- +goose Down\nDROP TABLE users;\n',
      '2_lower.sql': '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.email := lower(NEW.email);\n  RETURN NEW;\nEND;\n$$;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION lower_email();\n',
      '3_index.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email;\n',
    },
    async (src, out) => {
      const imported = await runCli(['import', '--from', 'goose', src, '--dir', out]);
      assert.is(imported.status, 0, imported.stderr);
      assert.match(imported.stdout, /Imported 3 migrations from goose/);
      const check = await runCli(['check', '--dir', out]);
      assert.is(check.status, 0, check.stdout + check.stderr);
      await withDatabase(async (db) => {
        const up = await runCli(['up', '--dir', out, '--url', db.url]);
        assert.is(up.status, 0, up.stderr);
        const rows = await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision');
        assert.equal(rows.map((r) => r.revision), ['1', '2', '3']);
        const index = await db.query("SELECT 1 FROM pg_indexes WHERE indexname = 'users_email'");
        assert.is(index.length, 1);
        const down = await runCli(['down', 'base', '--dir', out, '--url', db.url]);
        assert.is(down.status, 0, down.stderr);
        assert.is((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'users'")).length, 0);
      });
      const bad = await runCli(['import', '--from', 'goose', join(src, 'missing'), '--dir', join(out, 'x')]);
      assert.is(bad.status, 2);
      assert.match(bad.stderr, /is not a folder/);
    },
  ));

test.run();
