import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSource } from '../src/runner/source/source.js';
import { loadHistory } from '../src/runner/graph/history.js';
import { SourceError, type Problem } from '../src/runner/util/errors.js';
import { join } from 'node:path';
import { tempSql, type TempSql } from './helpers/migrations.js';

function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SourceError) return e.problems;
    throw e;
  }
  assert.unreachable('expected a SourceError');
  return [];
}

function withSql(fn: (t: TempSql) => void): void {
  const t = tempSql();
  try {
    fn(t);
  } finally {
    t.remove();
  }
}

test('a valid directory becomes migrations with checksums and down paths', () => {
  withSql((t) => {
    t.write({ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' });
    t.write({ revision: 'b2', parents: ['a1'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;', header: ['lock_timeout: 2s'] });
    const ms = readSource(t.dir);
    assert.equal(ms.map((m) => [m.revision, m.parents, m.lockTimeout]), [['a1', [], undefined], ['b2', ['a1'], '2s']]);
    assert.match(ms[0]!.checksum, /^[0-9a-f]{64}$/);
    assert.ok(ms[0]!.downFile?.endsWith('down/a1_step.sql'));
  });
});

test('every problem in the directory is reported at once, each with its file', () => {
  withSql((t) => {
    t.raw('up', 'a1_ok.sql', '-- revision: a1\n-- down_revision: none\n\nCREATE TABLE a (id int);\n');
    t.raw('down', 'a1_ok.sql', 'DROP TABLE a;\n');
    t.raw('up', 'b2_typo.sql', '-- revision: b2\n-- down_revison: a1\n\nSELECT 1;\n');
    t.raw('down', 'b2_typo.sql', 'SELECT 1;\n');
    t.raw('up', 'c3_noheader.sql', 'SELECT 1;\n');
    t.raw('down', 'c3_noheader.sql', 'SELECT 1;\n');
    t.raw('up', 'd4_mismatch.sql', '-- revision: d5\n-- down_revision: a1\n\nSELECT 1;\n');
    t.raw('down', 'd4_mismatch.sql', 'SELECT 1;\n');
    t.raw('up', 'e5_nodown.sql', '-- revision: e5\n-- down_revision: a1\n\nSELECT 1;\n');
    t.raw('up', 'a1_dup.sql', '-- revision: a1\n-- down_revision: none\n\nSELECT 1;\n');
    t.raw('down', 'a1_dup.sql', 'SELECT 1;\n');
    t.raw('up', 'f6_empty.sql', '-- revision: f6\n-- down_revision: a1\n\n-- nothing here yet\n  \n/* still nothing */\n');
    t.raw('down', 'f6_empty.sql', 'SELECT 1;\n');
    t.raw('up', 'g7 has spaces.sql', 'SELECT 1;\n');
    t.raw('down', 'zz_orphan.sql', 'SELECT 1;\n');
    const problems = problemsOf(() => readSource(t.dir));
    const has = (file: string, text: string, line?: number) =>
      assert.ok(
        problems.some((p) => p.file.endsWith(file) && p.message.includes(text) && (line === undefined || p.line === line)),
        `${file}: "${text}" not in ${JSON.stringify(problems, null, 1)}`,
      );
    has('up/b2_typo.sql', 'unknown header key "down_revison"', 2);
    has('up/c3_noheader.sql', 'missing header line "-- revision', 1);
    has('up/d4_mismatch.sql', 'header says revision d5 but the file name starts with d4', 1);
    has('up/e5_nodown.sql', 'missing down file');
    has('up/a1_ok.sql', 'revision a1 is also defined by');
    has('up/f6_empty.sql', 'no SQL statement');
    has('up/g7 has spaces.sql', 'not a migration file name');
    has('down/zz_orphan.sql', 'down file has no up file');
  });
});

test('file problems, unknown parents and cycles come in one report, the unknown parent at its header line', () => {
  withSql((t) => {
    t.write({ revision: 'a1', parents: ['zz9'], up: 'SELECT 1;', down: 'SELECT 1;' });
    t.write({ revision: 'c1', parents: ['c3'], up: 'SELECT 1;', down: 'SELECT 1;' });
    t.write({ revision: 'c2', parents: ['c1'], up: 'SELECT 1;', down: 'SELECT 1;' });
    t.write({ revision: 'c3', parents: ['c2'], up: 'SELECT 1;', down: 'SELECT 1;' });
    // A file with a stray key still joins the graph; so does one without its down file.
    t.write({ revision: 'd1', parents: ['c2'], up: 'SELECT 1;', down: 'SELECT 1;', header: ['lock_timout: 5s'] });
    t.write({ revision: 'e1', parents: ['d1'], up: 'SELECT 1;' });
    t.write({ revision: 'f1', parents: ['a1'], up: 'SELECT 1;', down: 'SELECT 1;' });
    t.write({ revision: 'f1', parents: ['a1'], up: 'SELECT 2;', down: 'SELECT 2;', slug: 'again' });
    const problems = problemsOf(() => loadHistory(t.dir));
    const summary = problems.map((p) => `${p.file.replace(/.*\//, '')}:${p.line ?? ''} ${p.message}`);
    assert.equal(summary, [
      'd1_step.sql:4 unknown header key "lock_timout"',
      'e1_step.sql: missing down file ' + join(t.dir, 'down', 'e1_step.sql'),
      'f1_step.sql:1 revision f1 is also defined by ' + join(t.dir, 'up', 'f1_again.sql'),
      'a1_step.sql:2 down_revision names zz9, which no up file defines',
      'c1_step.sql: revision c1 is part of a cycle: c1 -> c3 -> c2 -> c1',
      'c3_step.sql: revision c3 is part of a cycle: c1 -> c3 -> c2 -> c1',
      'c2_step.sql: revision c2 is part of a cycle: c1 -> c3 -> c2 -> c1',
    ]);
  });
});

test('a child of a rejected file is not told that its parent does not exist', () => {
  withSql((t) => {
    t.raw('up', 'b1_step.sql', '-- revision: b1\n-- down_revison: none\n\nSELECT 1;\n');
    t.raw('down', 'b1_step.sql', 'SELECT 1;\n');
    t.write({ revision: 'b2', parents: ['b1'], up: 'SELECT 1;', down: 'SELECT 1;' });
    const problems = problemsOf(() => loadHistory(t.dir));
    assert.equal(problems.map((p) => p.message), ['unknown header key "down_revison"', 'missing header line "-- down_revision: <parent>"']);
  });
});

test('binary content and invalid UTF-8 are named with their line; a BOM is accepted', () => {
  withSql((t) => {
    t.raw('up', 'a1_bin.sql', Buffer.concat([Buffer.from('-- revision: a1\n-- down_revision: none\nSELECT '), Buffer.from([0, 1, 2])]));
    t.raw('down', 'a1_bin.sql', 'SELECT 1;');
    t.raw('up', 'b2_latin1.sql', Buffer.concat([Buffer.from('-- revision: b2\n-- down_revision: none\n\nSELECT \''), Buffer.from([0xe9]), Buffer.from("';\n")]));
    t.raw('down', 'b2_latin1.sql', 'SELECT 1;');
    t.raw('up', 'c3_bom.sql', '\uFEFF-- revision: c3\n-- down_revision: none\n\nSELECT 1;\n');
    t.raw('down', 'c3_bom.sql', 'SELECT 1;');
    const problems = problemsOf(() => readSource(t.dir));
    assert.equal(problems.map((p) => [p.file.replace(/.*\//, ''), p.line]), [['a1_bin.sql', 3], ['b2_latin1.sql', 4]]);
    assert.match(problems[0]!.message, /NUL byte/);
    assert.match(problems[1]!.message, /not valid UTF-8/);
  });
});

test('CRLF and BOM do not change the checksum', () => {
  withSql((t) => {
    t.raw('up', 'a1_x.sql', '-- revision: a1\n-- down_revision: none\n\nSELECT 1;\n');
    t.raw('down', 'a1_x.sql', 'SELECT 1;');
    const lf = readSource(t.dir)[0]!.checksum;
    t.raw('up', 'a1_x.sql', '\uFEFF-- revision: a1\r\n-- down_revision: none\r\n\r\nSELECT 1;\r\n');
    assert.is(readSource(t.dir)[0]!.checksum, lf);
    t.raw('up', 'a1_x.sql', '-- revision: a1\n-- down_revision: none\n\nSELECT 2;\n');
    assert.is.not(readSource(t.dir)[0]!.checksum, lf);
  });
});

test('an irreversible revision needs no down file, and must not have one', () => {
  withSql((t) => {
    t.write({ revision: 'a1', up: 'SELECT 1;', header: ['down: irreversible'] });
    assert.is(readSource(t.dir)[0]!.downFile, undefined);
    t.raw('down', 'a1_step.sql', 'SELECT 1;');
    assert.match(problemsOf(() => readSource(t.dir))[0]!.message, /irreversible/);
  });
});

test('a missing up directory is one clear problem', () => {
  const problems = problemsOf(() => readSource('/nonexistent/pgstrata-sql'));
  assert.is(problems.length, 1);
  assert.match(problems[0]!.message, /directory not found/);
  assert.match(problems[0]!.hint!, /--dir/);
});

test.run();
