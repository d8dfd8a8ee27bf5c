// Errors raised inside PL/pgSQL bodies, from a real server, placed in the file the user wrote.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers/cli.js';
import { withDatabase } from './helpers/postgres.js';
import { tempSql } from './helpers/migrations.js';

async function failureOf(up: string): Promise<string> {
  return withDatabase(async (db) => {
    const sql = tempSql([{ revision: 'a1', up, down: 'SELECT 1;' }]);
    try {
      const r = await runCli(['up', '--url', db.url, '--dir', sql.dir]);
      assert.is(r.status, 1, r.stderr);
      return r.stderr;
    } finally {
      sql.remove();
    }
  });
}

// The header written by tempSql takes lines 1-4, so the body starts on line 5.
test('a runtime error in a DO block points at the statement inside it', async () => {
  const stderr = await failureOf('CREATE TABLE t (id int);\nDO $$\nBEGIN\n  INSERT INTO t VALUES (1);\n  INSERT INTO missing VALUES (2);\nEND $$;');
  assert.match(stderr, /a1_step\.sql:9:15: ERROR 42P01: relation "missing" does not exist/);
  assert.match(stderr, /WHERE: PL\/pgSQL function inline_code_block line 4 at SQL statement/);
});

test('an error known only by its PL/pgSQL line is placed on that line of the file', async () => {
  const stderr = await failureOf('DO $$\nDECLARE n int := 0;\nBEGIN\n  PERFORM 1 / n;\nEND $$;');
  assert.match(stderr, /a1_step\.sql:8: ERROR 22012: division by zero/);
});

test('a syntax error in a function body is placed where PostgreSQL saw it', async () => {
  const stderr = await failureOf('CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$;');
  assert.match(stderr, /a1_step\.sql:7:13: ERROR 42601: syntax error at end of input/);
});

test.run();
