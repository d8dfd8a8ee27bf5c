import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { locate, toDbError } from '../src/runner/apply/pgerror.js';
import { lineColumnAtCodePoint, lineColumnAtByte } from '../src/runner/util/text.js';

test('code-point offsets become editor lines and columns, CRLF and astral characters included', () => {
  const text = 'SELECT 1;\r\nSELECT \'😀é\', nope;';
  // "nope" starts after 'SELECT 1;\r\n' (11 code points) and "SELECT '😀é', " (13 code points)
  assert.equal(lineColumnAtCodePoint(text, 24), { line: 2, column: 14 });
  assert.equal(lineColumnAtByte(text, Buffer.byteLength("SELECT 1;\r\nSELECT '😀é', ")), { line: 2, column: 14 });
});

test('a server position is shifted by the script prefix into the file', () => {
  const text = '-- revision: a\n\nSELECT é FROM nope;';
  const offset = 40;
  // PostgreSQL: 1-based position of "nope" in the whole script
  const position = offset + [...'-- revision: a\n\nSELECT é FROM '].length + 1;
  assert.equal(locate({ message: 'x', position }, { file: 'f.sql', text, offset }), { file: 'f.sql', line: 3, column: 15 });
  assert.equal(locate({ message: 'x', position: 3 }, { file: 'f.sql', text, offset }), { file: 'f.sql' });
});

test('internalQuery inside a PL/pgSQL body is found in the file', () => {
  const text = 'DO $$\nBEGIN\n  PERFORM 1;\n  INSERT INTO nope VALUES (1);\nEND $$;';
  const loc = locate({ message: 'relation "nope" does not exist', internalQuery: 'INSERT INTO nope VALUES (1)', internalPosition: 13, where: 'PL/pgSQL function inline_code_block line 4 at SQL statement' }, { file: 'f.sql', text, offset: 0 });
  assert.equal(loc, { file: 'f.sql', line: 4, column: 15 });
});

test('a "line N" context in a DO block or named function maps to the file line', () => {
  const doBlock = 'SELECT 1;\nDO $body$\nBEGIN\n  PERFORM 1 / 0;\nEND $body$;';
  assert.equal(locate({ message: 'division by zero', where: 'SQL statement "SELECT 1 / 0"\nPL/pgSQL function inline_code_block line 3 at PERFORM' }, { file: 'f.sql', text: doBlock, offset: 0 }), { file: 'f.sql', line: 4 });
  const fn = 'CREATE FUNCTION app.bump(n int) RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN n / 0;\nEND $$;\nSELECT app.bump(1);';
  assert.equal(locate({ message: 'division by zero', where: 'PL/pgSQL function app.bump(integer) line 3 at RETURN' }, { file: 'f.sql', text: fn, offset: 0 }), { file: 'f.sql', line: 3 });
});

test('errors from node-postgres, PGlite and pg-mem normalise to the same fields', () => {
  const e = Object.assign(new Error('boom\nmore'), { code: '42P01', position: '12', detail: 'd', hint: 'h', internalPosition: undefined });
  assert.equal(toDbError(e), { message: 'boom', sqlstate: '42P01', detail: 'd', hint: 'h', position: 12 });
  assert.equal(toDbError(new Error('pg-mem says no')), { message: 'pg-mem says no' });
});

test.run();
