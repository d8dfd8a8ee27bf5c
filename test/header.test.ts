import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDownHeader, parseUpHeader } from '../src/runner/source/header.js';

test('parses every key of a full header', () => {
  const { header, problems } = parseUpHeader(
    '-- revision: abc123\n-- down_revision: p1, p2\n-- message: merge things\n-- transaction: none\n-- lock_timeout: 5s\n-- statement_timeout: 2min\n\nSELECT 1;',
    'f.sql',
  );
  assert.equal(problems, []);
  assert.equal(header, { revision: 'abc123', parents: ['p1', 'p2'], parentsLine: 2, message: 'merge things', transactional: false, lockTimeout: '5s', statementTimeout: '2min', irreversible: false });
});

test('down_revision none is a root; down: irreversible is read', () => {
  const { header, problems } = parseUpHeader('-- revision: a1\n-- down_revision: none\n-- down: irreversible\nSELECT 1;', 'f.sql');
  assert.equal(problems, []);
  assert.equal(header.parents, []);
  assert.ok(header.irreversible);
});

test('an unknown key is an error with its line and a suggestion', () => {
  const { problems } = parseUpHeader('-- revision: a1\n-- down_revison: a0\nSELECT 1;', 'f.sql');
  const unknown = problems.find((p) => p.message.includes('unknown header key'));
  assert.ok(unknown);
  assert.is(unknown!.line, 2);
  assert.match(unknown!.hint!, /did you mean "down_revision"/);
  assert.ok(problems.some((p) => p.message.includes('missing header line "-- down_revision')));
});

test('the header ends at the first line that is not a key: value comment', () => {
  const { header, problems } = parseUpHeader('-- revision: a1\n-- down_revision: none\n\n-- transaction: none\nSELECT 1;', 'f.sql');
  assert.equal(problems, []);
  assert.ok(header.transactional, 'a key after the blank line is an ordinary comment');
  assert.is(parseUpHeader('-- revision: a1\n-- down_revision: none\n-- transaction: none\nSELECT 1;', 'f.sql').header.transactional, false, 'the same key inside the header is read');
});

test('a pgstrata-ignore comment ends the header: it belongs to the statement below', () => {
  const { header, problems } = parseUpHeader('-- revision: a1\n-- down_revision: none\n-- pgstrata-ignore: require-lock-timeout — a new table\n-- transaction: none\nSELECT 1;', 'f.sql');
  assert.equal(problems, []);
  assert.ok(header.transactional, 'a key after it is an ordinary comment');
});

test('a missing header is reported at line 1', () => {
  const { problems } = parseUpHeader('CREATE TABLE t (id int);', 'f.sql');
  assert.equal(problems.map((p) => [p.line, p.message]), [
    [1, 'missing header line "-- revision: <id>"'],
    [1, 'missing header line "-- down_revision: <parent>"'],
  ]);
});

test('bad values, duplicates and invalid ids are reported', () => {
  const { problems } = parseUpHeader('-- revision: a-b\n-- down_revision: x, x\n-- transaction: maybe\n-- lock_timeout: soon\n-- message: m\n-- message: n\n', 'f.sql');
  const lines = problems.map((p) => p.line);
  assert.ok(lines.includes(1) && lines.includes(2) && lines.includes(3) && lines.includes(4) && lines.includes(6), JSON.stringify(problems));
  assert.equal(problems.map((p) => [p.line, p.message]), [
    [1, 'revision "a-b" is not a valid id'],
    [2, 'down_revision lists "x" twice'],
    [3, 'transaction: "maybe" is not understood'],
    [4, 'lock_timeout: "soon" is not a duration'],
    [6, 'header key "message" appears more than once'],
  ]);
});

test('CRLF headers parse like LF headers', () => {
  const { header, problems } = parseUpHeader('-- revision: a1\r\n-- down_revision: none\r\n-- message: hi\r\n\r\nSELECT 1;\r\n', 'f.sql');
  assert.equal(problems, []);
  assert.is(header.message, 'hi');
});

test('a down file may only declare transaction: none', () => {
  assert.is(parseDownHeader('-- transaction: none\nDROP INDEX CONCURRENTLY i;', 'd.sql').header.transactional, false);
  assert.is(parseDownHeader('DROP TABLE t;', 'd.sql').header.transactional, true);
  assert.is(parseDownHeader('-- transaction: later\n', 'd.sql').problems.length, 1);
  assert.equal(parseDownHeader('-- transaction: later\n', 'd.sql').problems.map((p) => [p.file, p.line, p.message]), [['d.sql', 1, 'transaction: "later" is not understood']]);
  assert.equal(parseDownHeader('-- transaction: none\nDROP INDEX CONCURRENTLY i;', 'd.sql').problems, []);
});

test.run();
