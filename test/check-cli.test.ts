// `pgstrata check` as users run it: exit status, the three formats, configuration, what it
// loads, and which database it may touch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES } from '../src/check/findings/catalog.js';
import { formatReport, makeReport } from '../src/check/findings/format.js';
import pg from 'pg';
import { runCli, startCli } from './helpers/cli.js';
import { eventually } from './helpers/process.js';
import { GENESIS_DIR, tempSql, type MigrationSpec } from './helpers/migrations.js';
import { SERVER_URL } from './helpers/postgres.js';

const withErrorAndWarning: MigrationSpec[] = [
  { revision: 'r1', up: 'CREATE TABLE t (id int, x int);', down: 'DROP TABLE t;' },
  { revision: 'r2', parents: ['r1'], header: ['lock_timeout: 5s'], up: 'ALTER TABLE t ADD COLUMN n text NOT NULL;', down: 'ALTER TABLE t DROP COLUMN n;' },
  { revision: 'r3', parents: ['r2'], header: ['transaction: none', 'lock_timeout: 5s'], up: 'CREATE INDEX CONCURRENTLY a ON t (x);\nUPDATE t SET x = 0 WHERE x IS NULL;', down: '-- transaction: none\nDROP INDEX CONCURRENTLY a;' },
];

async function inTemp<T>(migrations: MigrationSpec[], fn: (dir: string) => Promise<T>): Promise<T> {
  const t = tempSql(migrations);
  try {
    return await fn(t.dir);
  } finally {
    t.remove();
  }
}

test('the Genesis history passes: exit 0', async () => {
  const r = await runCli(['check', '--dir', GENESIS_DIR]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /✔ No problems: 6 files of 3 revisions checked\./);
});

test('an error-level finding exits 7; the human output groups by file with position, rule and fix', () =>
  inTemp(withErrorAndWarning, async (dir) => {
    const r = await runCli(['check', '--dir', dir]);
    assert.is(r.status, 7, r.stdout + r.stderr);
    assert.match(r.stdout, /\n {2}\S+up\/r2_step\.sql:6:26 {2}error {4}not-null-column-without-default\n/);
    assert.match(r.stdout, /\n {4}fix: Add n nullable, backfill it/);
    assert.match(r.stdout, /up\/r3_step\.sql:8:1 {2}warning {2}multi-statement-no-transaction/);
    assert.match(r.stdout, /✖ 1 error, 1 warning \(6 files of 3 revisions checked\)/);
    assert.not.match(r.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  }));

test('warnings alone exit 0; --strict (or "strict" in the config) makes them fail', () =>
  inTemp(withErrorAndWarning, async (dir) => {
    const rules = '{"not-null-column-without-default": "warn"}';
    const levels = (stdout: string) => JSON.parse(stdout).findings.map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`);
    const warned = await runCli(['check', '--dir', dir, '--format', 'json'], { env: { PGSTRATA_RULES: rules } });
    assert.is(warned.status, 0);
    assert.equal(levels(warned.stdout), ['not-null-column-without-default warning', 'multi-statement-no-transaction warning']);
    const strict = await runCli(['check', '--dir', dir, '--strict', '--format', 'json'], { env: { PGSTRATA_RULES: rules } });
    assert.is(strict.status, 7);
    assert.equal(levels(strict.stdout), ['not-null-column-without-default error', 'multi-statement-no-transaction error']);
    const flags = await runCli(['check', '--dir', dir, '--format', 'json', '--rules.not-null-column-without-default', 'off', '--rules.multi-statement-no-transaction', 'error']);
    assert.is(flags.status, 7);
    assert.equal(levels(flags.stdout), ['multi-statement-no-transaction error'], 'one rule off, the other raised');
    const cwd = mkdtempSync(join(tmpdir(), 'pgstrata-cwd-'));
    try {
      writeFileSync(join(cwd, 'pgstrata.json'), JSON.stringify({ dir, rules: { 'not-null-column-without-default': 'warn' }, strict: true }));
      const config = await runCli(['check', '--format', 'json'], { cwd });
      assert.is(config.status, 7, config.stdout + config.stderr);
      assert.equal(levels(config.stdout), ['not-null-column-without-default error', 'multi-statement-no-transaction error']);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }));

test('--format json (and --json): one document with every finding', () =>
  inTemp(withErrorAndWarning, async (dir) => {
    for (const args of [['--format', 'json'], ['--json']]) {
      const r = await runCli(['check', '--dir', dir, ...args]);
      assert.is(r.status, 7);
      const doc = JSON.parse(r.stdout);
      assert.equal([doc.ok, doc.errors, doc.warnings, doc.files, doc.revisions], [false, 1, 1, 6, 3]);
      assert.equal(Object.keys(doc.findings[0]).sort(), ['column', 'file', 'fix', 'line', 'message', 'revision', 'rule', 'severity']);
    }
  }));

test('--format github: one workflow annotation per finding, escaped', () =>
  inTemp(withErrorAndWarning, async (dir) => {
    const r = await runCli(['check', '--dir', dir, '--format', 'github']);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^::error file=\S+up\/r2_step\.sql,line=6,col=26,title=pgstrata not-null-column-without-default::ADD COLUMN n … NOT NULL without a default fails on any row of t; t already exists \(created by r1\)\. Fix: /);
    assert.match(lines[1]!, /^::warning file=\S+up\/r3_step\.sql,line=8,col=1,title=pgstrata multi-statement-no-transaction::/);
    assert.is(lines[2], 'pgstrata check: 1 error, 1 warning in 6 files.');
    const escaped = formatReport(makeReport([{ file: 'a,b:c.sql', line: 1, rule: 'x', severity: 'error', message: '50% done\nnext', fix: 'f' }], 1, 1), 'github', false);
    assert.ok(escaped.startsWith('::error file=a%2Cb%3Ac.sql,line=1,title=pgstrata x::50%25 done%0Anext. Fix: f'), escaped);
  }));

test('colour only when asked for (the CLI asks on a terminal without NO_COLOR)', () => {
  const report = makeReport([{ file: 'f.sql', line: 1, column: 2, rule: 'drop-table', severity: 'error', message: 'm', fix: 'x' }], 1, 1);
  assert.match(formatReport(report, 'human', true), /\x1b\[31merror/);
  assert.not.match(formatReport(report, 'human', false), /\x1b\[/);
});

test('rules in pgstrata.json apply to check and do not upset the other commands', () =>
  inTemp(withErrorAndWarning, async (dir) => {
    const cwd = mkdtempSync(join(tmpdir(), 'pgstrata-cwd-'));
    try {
      writeFileSync(join(cwd, 'pgstrata.json'), JSON.stringify({ dir, rules: { 'not-null-column-without-default': 'off' }, strict: false }));
      const ok = await runCli(['check', '--format', 'json'], { cwd });
      assert.is(ok.status, 0, ok.stdout + ok.stderr);
      assert.equal(JSON.parse(ok.stdout).findings.map((f: { rule: string }) => f.rule), ['multi-statement-no-transaction']);
      assert.is((await runCli(['history'], { cwd })).status, 0, 'history accepts a config file with check settings');
      writeFileSync(join(cwd, 'pgstrata.json'), JSON.stringify({ dir, rules: { 'no-such-rule': 'off' } }));
      const bad = await runCli(['check'], { cwd });
      assert.is(bad.status, 2);
      assert.match(bad.stderr, /unknown rule "no-such-rule"/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }));

test('--help, history and check without --roundtrip load neither PGlite nor (except check) the parser', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgstrata-hook-'));
  try {
    const hook = join(dir, 'hook.mjs');
    // Only the packages' own paths: the checkout may sit under any folder (CI's is /check/…).
    // Hooks run on their own thread: write to fd 2 synchronously, or the line may be lost at exit.
    const resolve = `import { writeSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); if (/\\/node_modules\\/(libpg-query|@electric-sql\\/pglite)\\//.test(r.url)) writeSync(2, 'LOADED ' + r.url + '\\n'); return r; }`;
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolve)}));\n`);
    const env = { NODE_OPTIONS: `--import ${hook}` };
    for (const args of [['--help'], ['history', '--dir', GENESIS_DIR]]) {
      const r = await runCli(args, { env });
      assert.is(r.status, 0, r.stderr);
      assert.not.match(r.stderr, /LOADED/, args.join(' '));
    }
    const check = await runCli(['check', '--dir', GENESIS_DIR], { env });
    assert.match(check.stderr, /LOADED \S+libpg-query/);
    assert.not.match(check.stderr, /pglite/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--roundtrip runs on the server DATABASE_URL names when --url is not given; --url wins; without --roundtrip nothing connects', () =>
  inTemp([{ revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: 'DROP TABLE t1;' }], async (dir) => {
    const viaEnv = await runCli(['check', '--dir', dir, '--roundtrip'], { env: { DATABASE_URL: SERVER_URL } });
    assert.is(viaEnv.status, 0, viaEnv.stdout + viaEnv.stderr);
    assert.match(viaEnv.stdout, /Round trip on postgres:\/\/\S+\/pgstrata_check_[0-9a-f]+: 1 revision/);
    const nowhere = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere' };
    const unreachable = await runCli(['check', '--dir', dir, '--roundtrip'], { env: nowhere });
    assert.is.not(unreachable.status, 0, 'DATABASE_URL is used: its server cannot be reached');
    assert.match(unreachable.stdout + unreachable.stderr, /127\.0\.0\.1:1/);
    const pglite = await runCli(['check', '--dir', dir, '--roundtrip', '--url', 'pglite:memory'], { env: nowhere });
    assert.is(pglite.status, 0, pglite.stdout + pglite.stderr);
    assert.match(pglite.stdout, /Round trip on pglite:memory: 1 revision/);
    const fileOnly = await runCli(['check', '--dir', dir], { env: nowhere });
    assert.is(fileOnly.status, 0, fileOnly.stdout + fileOnly.stderr);
    const pgmem = await runCli(['check', '--dir', dir, '--roundtrip'], { env: { DATABASE_URL: 'pgmem:' } });
    assert.is(pgmem.status, 2, pgmem.stdout + pgmem.stderr);
    assert.match(pgmem.stderr, /DATABASE_URL is not a postgres:\/\/ URL: give --url postgres:\/\/…/);
  }));

test('without --url or DATABASE_URL, --roundtrip uses an in-memory PGlite', async () => {
  const r = await runCli(['check', '--dir', GENESIS_DIR, '--roundtrip']);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Round trip on pglite:memory: 3 revisions went up, down and up again\./);
});

test('--roundtrip --url: a throwaway database on that server; a leftover column exits 7', () =>
  inTemp([{ revision: 'r1', up: 'CREATE TABLE t1 (id int);', down: 'DROP TABLE t1;' }, { revision: 'r2', parents: ['r1'], header: ['lock_timeout: 5s'], up: 'ALTER TABLE t1 ADD COLUMN note text;', down: 'SELECT 1;' }], async (dir) => {
    const r = await runCli(['check', '--dir', dir, '--roundtrip', '--url', SERVER_URL]);
    assert.is(r.status, 7, r.stdout + r.stderr);
    assert.match(r.stdout, /down\/r2_step\.sql {2}error {4}roundtrip-difference\n {4}column t1\.note still exists after down \(revision r2\)/);
    assert.match(r.stdout, /Round trip on postgres:\/\/\S+\/pgstrata_check_[0-9a-f]+: 2 revisions/);
  }));

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} during --roundtrip --url drops the throwaway database, then exits ${status}`, () =>
    inTemp([{ revision: 'r1', up: 'CREATE TABLE t1 (id int);\nSELECT pg_sleep(60);', down: 'DROP TABLE t1;' }], async (dir) => {
      const cli = startCli(['check', '--dir', dir, '--roundtrip', '--url', SERVER_URL], { limitMs: 50_000 });
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      try {
        const sleeping = await eventually('the round trip to reach pg_sleep', async () => {
          const rows = await admin.query<{ datname: string }>("SELECT datname FROM pg_stat_activity WHERE datname LIKE 'pgstrata\\_check\\_%' AND query LIKE '%pg_sleep(60)%'");
          return rows.rows[0]?.datname;
        });
        cli.child.kill(signal);
        const r = await cli.done;
        assert.is(r.status, status, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`${signal}: dropping the scratch database ${sleeping}`));
        const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [sleeping]);
        assert.is(left.rowCount, 0, `${sleeping} is dropped`);
      } finally {
        cli.child.kill('SIGKILL');
        await admin.end();
      }
    }));
}

test('docs/check.md documents every rule id', () => {
  const page = readFileSync(join(GENESIS_DIR, '..', 'docs', 'check.md'), 'utf8');
  for (const r of RULES) assert.ok(page.includes(`| \`${r.id}\` | ${r.severity}`), `docs/check.md has no row for ${r.id}`);
});

test.run();
