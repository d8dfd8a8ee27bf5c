// Malformed sources from a seeded generator: damaged headers, cycles, duplicate ids, binary
// content, invalid UTF-8, a UTF-16 file, a 50 MB file, 10,000 files, names with spaces and
// quotes. Every case ends in exit 3 with an error naming the file, and writes nothing: the
// database's catalog stays empty (pgstrata does not even connect before the files are valid).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { fileName, linearHistory, tempSql, upText, type TempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { seededRandom, type Random } from '../helpers/random.js';

const random = seededRandom();
const BASE = 20;
const history = linearHistory(BASE);
const id = (i: number) => history[i - 1]!.revision;
const upPath = (sql: TempSql, i: number) => join(sql.dir, 'up', fileName(history[i - 1]!));

/** A problem the error output must report: a line naming `file` whose message matches `message`. */
interface Expected {
  file: string;
  message: RegExp;
}

interface Case {
  name: string;
  /** Damages a fresh copy of the 20-revision history; returns the problems the error must report. */
  damage(sql: TempSql, r: Random): Expected[];
}

const MISSING_REVISION = /missing header line "-- revision: <id>"/;
const NOT_UTF8 = /file contains bytes that are not valid UTF-8 at byte \d+/;
const NUL = /file contains a NUL byte \(binary content\) at byte \d+/;

/** Header damage that always makes the file invalid; each picks its own random details, and says what must be reported. */
const HEADER_DAMAGE: Array<[string, (text: string, i: number, r: Random) => string, RegExp]> = [
  ['revision line removed', (t) => t.replace(/^-- revision: .*\n/m, ''), MISSING_REVISION],
  ['down_revision line removed', (t) => t.replace(/^-- down_revision: .*\n/m, ''), /missing header line "-- down_revision: <parent>"/],
  ['key misspelt', (t, _i, r) => t.replace(/^-- (down_revision|revision|message):/m, (_m, k: string) => `-- ${k.slice(0, r.int(1, k.length - 1))}${r.pick(['x', 'q', 'z'])}${k.slice(r.int(1, k.length - 1))}:`), /:\d+: unknown header key "[a-z_]*[xqz][a-z_]*"/],
  ['revision with a forbidden character', (t, _i, r) => t.replace(/^(-- revision: r\d{3})/m, `$1${r.pick(['-', "'", '"', ';', 'é', '_', '.'])}`), /:1: revision "r\d+[^"]*" is not a valid id/],
  ['revision differs from the file name', (t, i) => t.replace(/^-- revision: .*$/m, `-- revision: ${id(i)}x`), /:1: header says revision r\d+x but the file name starts with r\d+$/m],
  ['parent no file defines', (t, _i, r) => t.replace(/^-- down_revision: .*$/m, `-- down_revision: zz${r.int(1000, 9999)}`), /down_revision names zz\d{4}, which no up file defines/],
  ['key repeated', (t) => t.replace(/^(-- message: .*\n)/m, '$1$1'), /:4: header key "message" appears more than once/],
  ['transaction value unknown', (t, _i, r) => t.replace(/^(-- message: .*\n)/m, `$1-- transaction: ${r.pick(['maybe', 'yes', 'off'])}\n`), /:4: transaction: "(maybe|yes|off)" is not understood/],
  ['timeout not a duration', (t, _i, r) => t.replace(/^(-- message: .*\n)/m, `$1-- ${r.pick(['lock_timeout', 'statement_timeout'])}: ${r.pick(['soon', '5 parsecs', '-1s'])}\n`), /:4: (lock|statement)_timeout: "(soon|5 parsecs|-1s)" is not a duration/],
  ['value missing', (t) => t.replace(/^-- down_revision: .*$/m, '-- down_revision:'), /:2: header key "down_revision" has no value/],
  ['colon lost on the first line', (t) => t.replace(/^-- revision: /m, '-- revision '), MISSING_REVISION],
  ['emptied', () => '', MISSING_REVISION],
];

function headerCase(n: number): Case {
  const [what, damage, message] = random.pick(HEADER_DAMAGE);
  const i = random.int(2, BASE);
  return {
    name: `header damage ${n}: ${what} in revision ${i}`,
    damage(sql, r) {
      writeFileSync(upPath(sql, i), damage(readFileSync(upPath(sql, i), 'utf8'), i, r));
      return [{ file: fileName(history[i - 1]!), message }];
    },
  };
}

const CASES: Case[] = [
  ...Array.from({ length: 12 }, (_, n) => headerCase(n + 1)),
  ...Array.from({ length: 3 }, (_, n): Case => {
    const from = random.int(1, BASE - 2);
    const to = random.int(from + 1, BASE);
    return {
      name: `cycle ${n + 1}: revision ${from} made a child of its descendant ${to}`,
      damage(sql) {
        writeFileSync(upPath(sql, from), upText({ ...history[from - 1]!, parents: [id(to)] }));
        const message = new RegExp(`is part of a cycle: .*${id(from)}`);
        return [{ file: fileName(history[from - 1]!), message }, { file: fileName(history[to - 1]!), message }];
      },
    };
  }),
  ...Array.from({ length: 2 }, (_, n): Case => {
    const i = random.int(1, BASE);
    return {
      name: `duplicate id ${n + 1}: revision ${i} defined twice`,
      damage(sql) {
        const copy = `${id(i)}_copy.sql`;
        writeFileSync(join(sql.dir, 'up', copy), readFileSync(upPath(sql, i)));
        writeFileSync(join(sql.dir, 'down', copy), 'SELECT 1;\n');
        return [{ file: copy, message: new RegExp(`revision ${id(i)} is also defined by`) }];
      },
    };
  }),
  ...Array.from({ length: 2 }, (_, n): Case => {
    const i = random.int(1, BASE);
    return {
      name: `binary content ${n + 1} in revision ${i}`,
      damage(sql, r) {
        const junk = Buffer.from(Array.from({ length: r.int(16, 4096) }, () => r.int(0, 255)));
        junk[r.int(0, junk.length - 1)] = 0;
        writeFileSync(upPath(sql, i), Buffer.concat([Buffer.from(upText(history[i - 1]!)), junk]));
        // The first bad byte of random junk may be a NUL or a byte that is not UTF-8.
        return [{ file: fileName(history[i - 1]!), message: new RegExp(`${NUL.source}|${NOT_UTF8.source}`) }];
      },
    };
  }),
  ...Array.from({ length: 2 }, (_, n): Case => {
    const i = random.int(1, BASE);
    return {
      name: `invalid UTF-8 ${n + 1} in revision ${i}`,
      damage(sql, r) {
        const text = Buffer.from(upText(history[i - 1]!) + '-- naïve café\n');
        const at = r.int(0, text.length - 1);
        const bad = r.pick([[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]);
        writeFileSync(upPath(sql, i), Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]));
        return [{ file: fileName(history[i - 1]!), message: NOT_UTF8 }];
      },
    };
  }),
  {
    name: 'a UTF-16 file with its BOM (as Windows editors save it)',
    damage(sql) {
      writeFileSync(upPath(sql, 3), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(upText(history[2]!), 'utf16le')]));
      return [{ file: `${fileName(history[2]!)}:1:`, message: /file contains bytes that are not valid UTF-8 at byte 0/ }];
    },
  },
  {
    name: 'a 50 MB file with a NUL byte near its end',
    damage(sql) {
      const line = 'INSERT INTO t_7 VALUES (1, \'' + 'x'.repeat(60) + '\');\n';
      const body = line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
      writeFileSync(upPath(sql, 7), upText(history[6]!) + body + 'SELECT 1;\0\n');
      return [{ file: `${fileName(history[6]!)}:${5 + body.split('\n').length}:`, message: NUL }];
    },
  },
  {
    name: '10,000 files, three of them damaged',
    damage(sql, r) {
      const many = linearHistory(10_000, 5).map((m) => ({ ...m, revision: `m${m.revision}`, parents: m.parents?.map((p) => `m${p}`) }));
      many[0]!.parents = [id(BASE)];
      for (const m of many) sql.write(m);
      const broken = [r.int(1, 3000), r.int(3001, 6000), r.int(6001, 9999)].map((i) => many[i]!);
      writeFileSync(join(sql.dir, 'up', fileName(broken[0]!)), upText(broken[0]!).replace('-- down_revision:', '-- down_revison:'));
      rmSync(join(sql.dir, 'down', fileName(broken[1]!)));
      writeFileSync(join(sql.dir, 'up', fileName(broken[2]!)), upText(broken[2]!) + 'SELECT 1;\0');
      return [
        { file: fileName(broken[0]!), message: /:2: unknown header key "down_revison"/ },
        { file: fileName(broken[1]!), message: /missing down file/ },
        { file: fileName(broken[2]!), message: NUL },
      ];
    },
  },
  ...[`${id(5)}_add users.sql`, `${id(5)}_it's.sql`, `${id(5)}_"quoted".sql`, `${id(5)}_semi;colon.sql`].map(
    (name): Case => ({
      name: `file name ${JSON.stringify(name)}`,
      damage(sql) {
        renameSync(upPath(sql, 5), join(sql.dir, 'up', name));
        renameSync(join(sql.dir, 'down', fileName(history[4]!)), join(sql.dir, 'down', name));
        return [{ file: name, message: /not a migration file name/ }];
      },
    }),
  ),
];

async function assertNoWrites(db: TestDatabase, context: string): Promise<void> {
  const rows = await db.query<{ what: string }>(
    `SELECT c.relname::text AS what FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     UNION ALL SELECT nspname::text FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public') AND nspname NOT LIKE 'pg\\_%'`,
  );
  assert.equal(rows, [], `${context}: the catalog shows no writes`);
}

test.before(() => {
  process.stderr.write(`  (FAULT_SEED=${random.seed})\n`);
});

for (const c of CASES) {
  test(`${c.name}: exit 3, names the file and the problem, writes nothing`, () =>
    withDatabase(async (db) => {
      const sql = tempSql(history);
      try {
        const expected = c.damage(sql, random);
        const r = await runCli(['up', '--url', db.url, '--dir', sql.dir, '--schema', 'ops']);
        const context = `${c.name} (FAULT_SEED=${random.seed})`;
        assert.is(r.status, 3, `${context}: ${r.stderr.slice(0, 2000)}`);
        const lines = r.stderr.split('\n');
        assert.ok(expected.length > 0, `${context}: the case says what must be reported`);
        for (const { file, message } of expected) {
          assert.ok(r.stderr.includes(file), `${context}: the error names ${file}:\n${r.stderr.slice(0, 2000)}`);
          assert.ok(lines.some((l) => l.includes(file) && message.test(l)), `${context}: a line names ${file} and says ${message}:\n${r.stderr.slice(0, 2000)}`);
        }
        assert.not.match(r.stderr, /\n\s+at \S+ \(/, `${context}: no stack trace`);
        await assertNoWrites(db, context);
      } finally {
        sql.remove();
      }
    }),
  );
}

test('a UTF-8 BOM is not damage: the file applies, the BOM is neither sent nor checksummed', () =>
  withDatabase(async (fresh) => {
    const sql = tempSql(history.slice(0, 2));
    try {
      writeFileSync(upPath(sql, 2), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(upText(history[1]!))]));
      const r = await runCli(['up', '--url', fresh.url, '--dir', sql.dir]);
      assert.is(r.status, 0, r.stderr);
      writeFileSync(upPath(sql, 2), upText(history[1]!));
      assert.is((await runCli(['up', '--url', fresh.url, '--dir', sql.dir])).status, 0, 'removing the BOM is not drift');
      const [row] = await fresh.query<{ up_sql: string }>(`SELECT up_sql FROM pgstrata_version WHERE revision = '${id(2)}'`);
      assert.ok(row!.up_sql.startsWith('-- revision'));
    } finally {
      sql.remove();
    }
  }),
);

test.run();
