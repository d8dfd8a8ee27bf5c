// Passwords end to end: a short or common password leaves the CLI's output exactly as it is with
// any other password (the server trusts local connections, so any password connects), --json still
// parses, and passwords given as ?password= or in a refused keyword/value string never print.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDatabase } from './helpers/postgres.js';
import { tempSql } from './helpers/migrations.js';
import { runCli } from './helpers/cli.js';

const LONG = 'Quite-Long-Secret-7731';

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

test('short and common passwords: output is what any other password gives, and --json parses', () =>
  withDatabase(async (db) => {
    const sql = tempSql([
      { revision: 'a1', message: 'create the table', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
      { revision: 'e2', parents: ['a1'], message: 'reads a column that is not there', up: 'SELECT nosuchcolumn FROM a;', down: 'SELECT 1;' },
    ]);
    try {
      const run = async (password: string) => {
        const url = withPassword(db.url, password);
        const runs = [];
        for (const args of [['status'], ['status', '--json'], ['up', 'e2'], ['up', 'e2', '--json'], ['current', '--json']]) {
          const r = await runCli([...args, '--url', url, '--dir', sql.dir]);
          runs.push({ args: args.join(' '), status: r.status, stdout: r.stdout, stderr: r.stderr });
        }
        return runs;
      };
      assert.is((await runCli(['up', 'a1', '--url', db.url, '--dir', sql.dir])).status, 0);
      const reference = await run(LONG);
      const all = reference.map((r) => r.stdout + r.stderr).join('\n');
      assert.not.ok(all.includes(LONG), 'the long password is masked');
      assert.match(all, /ERROR 42703: column "nosuchcolumn" does not exist/);
      for (const password of ['e', '1', 'postgres', 'true', 'a', 'ERROR']) {
        const runs = await run(password);
        for (const [i, r] of runs.entries()) {
          assert.equal(r, reference[i], `password ${JSON.stringify(password)}: ${r.args}`);
          if (r.args.includes('--json')) JSON.parse(r.stdout);
        }
      }
    } finally {
      sql.remove();
    }
  }),
);

test('a password given as ?password= is masked in status and in the "cannot connect" error', () =>
  withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }]);
    try {
      const url = `${db.url}?password=qwertyzzz`;
      const status = await runCli(['status', '--url', url, '--dir', sql.dir]);
      assert.is(status.status, 0, status.stderr);
      assert.match(status.stdout, `database  ${db.url}?password=***`);
      const json = await runCli(['status', '--json', '--url', url, '--dir', sql.dir]);
      assert.is(JSON.parse(json.stdout).database, `${db.url}?password=***`);
      const bad = await runCli(['status', '--url', 'postgres://postgres@127.0.0.1:1/x?password=qwertyzzz', '--dir', sql.dir, '--log-level', 'debug']);
      assert.is(bad.status, 6, bad.stderr);
      assert.match(bad.stderr, 'cannot connect to postgres://postgres@127.0.0.1:1/x?password=***');
      for (const r of [status, json, bad]) assert.not.ok((r.stdout + r.stderr).includes('qwertyzzz'), r.stdout + r.stderr);
    } finally {
      sql.remove();
    }
  }),
);

test('a refused keyword/value connection string is not echoed with its password', async () => {
  const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }]);
  try {
    for (const url of ['host=127.0.0.1 user=postgres password=qwertyzzz dbname=x', "host=127.0.0.1 password='qwerty zzz'"]) {
      for (const json of [[], ['--json']]) {
        const r = await runCli(['status', '--url', url, '--dir', sql.dir, ...json]);
        assert.is(r.status, 2, r.stderr);
        assert.match(r.stdout + r.stderr, /unsupported database URL \\?"host=127\.0\.0\.1 .*password=\*\*\*.*\\?": .*keyword\/value connection strings are not supported/);
        assert.not.ok(/qwerty/.test(r.stdout + r.stderr), r.stdout + r.stderr);
      }
    }
  } finally {
    sql.remove();
  }
});

test.run();
