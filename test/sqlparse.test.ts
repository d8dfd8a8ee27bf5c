import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseStatements } from '../src/runner/util/sqlparse.js';

test('statements come back with editor positions, multibyte text included', async () => {
  const sql = "-- c\nCREATE TABLE é (x int);\n  CREATE INDEX CONCURRENTLY i ON é (x);\nSELECT 'ü'";
  const r = await parseStatements(sql, 'f.sql');
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.statements.map((s) => [s.kind, s.line, s.column, s.text]), [
    ['CreateStmt', 2, 1, 'CREATE TABLE é (x int)'],
    ['IndexStmt', 3, 3, 'CREATE INDEX CONCURRENTLY i ON é (x)'],
    ['SelectStmt', 4, 1, "SELECT 'ü'"],
  ]);
  assert.is(r.statements[1]!.node.concurrent, true);
});

test('a syntax error is placed at its line and column (0-based cursor, code points)', async () => {
  const r = await parseStatements("SELECT 'üé';\r\n  SELEC 1;", 'f.sql');
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.equal([r.problem.line, r.problem.column], [2, 3]);
  assert.match(r.problem.message, /syntax error at or near "SELEC"/);
});

test.run();
