// Malformed sources from a seeded generator: damaged headers, cycles, duplicate ids, binary
// content, invalid UTF-8, a UTF-16 file, a 50 MB file, 10,000 files, names with spaces and
// quotes. Every case ends in exit 3 with an error naming the file, and writes nothing: the
// database's catalog stays empty (pgstrata does not even connect before the files are valid).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, withDatabase, type TestDatabase } from '../helpers/postgres.js';
import { fileName, linearHistory, tempSql, upText, type TempSql } from '../helpers/migrations.js';
import { runCli } from '../helpers/cli.js';
import { seededRandom, type Random } from '../helpers/random.js';

const random = seededRandom();
const BASE = 20;
const history = linearHistory(BASE);
const id = (i: number) => history[i - 1]!.revision;
const upPath = (sql: TempSql, i: number) => join(sql.dir, 'up', fileName(history[i - 1]!));

interface Case {
  name: string;
  /** Damages a fresh copy of the 20-revision history; returns the file names the error must name. */
  damage(sql: TempSql, r: Random): string[];
}

/** Header damage that always makes the file invalid; each picks its own random details. */
const HEADER_DAMAGE: Array<[string, (text: string, i: number, r: Random) => string]> = [
  ['revision line removed', (t) => t.replace(/^-- revision: .*\n/m, '')],
  ['down_revision line removed', (t) => t.replace(/^-- down_revision: .*\n/m, '')],
  ['key misspelt', (t, _i, r) => t.replace(/^-- (down_revision|revision|message):/m, (_m, k: string) => `-- ${k.slice(0, r.int(1, k.length - 1))}${r.pick(['x', 'q', 'z'])}${k.slice(r.int(1, k.length - 1))}:`)],
  ['revision with a forbidden character', (t, _i, r) => t.replace(/^(-- revision: r\d{3})/m, `$1${r.pick(['-', "'", '"', ';', 'é', '_', '.'])}`)],
  ['revision differs from the file name', (t, i) => t.replace(/^-- revision: .*$/m, `-- revision: ${id(i)}x`)],
  ['parent no file defines', (t, _i, r) => t.replace(/^-- down_revision: .*$/m, `-- down_revision: zz${r.int(1000, 9999)}`)],
  ['key repeated', (t) => t.replace(/^(-- message: .*\n)/m, '$1$1')],
  ['transaction value unknown', (t, _i, r) => t.replace(/^(-- message: .*\n)/m, `$1-- transaction: ${r.pick(['maybe', 'yes', 'off'])}\n`)],
  ['timeout not a duration', (t, _i, r) => t.replace(/^(-- message: .*\n)/m, `$1-- ${r.pick(['lock_timeout', 'statement_timeout'])}: ${r.pick(['soon', '5 parsecs', '-1s'])}\n`)],
  ['value missing', (t) => t.replace(/^-- down_revision: .*$/m, '-- down_revision:')],
  ['colon lost on the first line', (t) => t.replace(/^-- revision: /m, '-- revision ')],
  ['emptied', () => ''],
];

function headerCase(n: number): Case {
  const [what, damage] = random.pick(HEADER_DAMAGE);
  const i = random.int(2, BASE);
  return {
    name: `header damage ${n}: ${what} in revision ${i}`,
    damage(sql, r) {
      writeFileSync(upPath(sql, i), damage(readFileSync(upPath(sql, i), 'utf8'), i, r));
      return [fileName(history[i - 1]!)];
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
        return [fileName(history[from - 1]!), fileName(history[to - 1]!)];
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
        return [copy];
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
        return [fileName(history[i - 1]!)];
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
        return [fileName(history[i - 1]!)];
      },
    };
  }),
  {
    name: 'a UTF-16 file with its BOM (as Windows editors save it)',
    damage(sql) {
      writeFileSync(upPath(sql, 3), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(upText(history[2]!), 'utf16le')]));
      return [fileName(history[2]!)];
    },
  },
  {
    name: 'a 50 MB file with a NUL byte near its end',
    damage(sql) {
      const line = 'INSERT INTO t_7 VALUES (1, \'' + 'x'.repeat(60) + '\');\n';
      const body = line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
      writeFileSync(upPath(sql, 7), upText(history[6]!) + body + 'SELECT 1;\0\n');
      return [`${fileName(history[6]!)}:${5 + body.split('\n').length}:`];
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
      return broken.map(fileName);
    },
  },
  ...[`${id(5)}_add users.sql`, `${id(5)}_it's.sql`, `${id(5)}_"quoted".sql`, `${id(5)}_semi;colon.sql`].map(
    (name): Case => ({
      name: `file name ${JSON.stringify(name)}`,
      damage(sql) {
        renameSync(upPath(sql, 5), join(sql.dir, 'up', name));
        renameSync(join(sql.dir, 'down', fileName(history[4]!)), join(sql.dir, 'down', name));
        return [name];
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

let db: TestDatabase | undefined;

test.before(async () => {
  process.stderr.write(`  (FAULT_SEED=${random.seed})\n`);
  db = await createDatabase();
});
test.after(async () => db?.drop());

for (const c of CASES) {
  test(`${c.name}: exit 3, names the file, writes nothing`, async () => {
    const sql = tempSql(history);
    try {
      const named = c.damage(sql, random);
      const r = await runCli(['up', '--url', db!.url, '--dir', sql.dir, '--schema', 'ops']);
      const context = `${c.name} (FAULT_SEED=${random.seed})`;
      assert.is(r.status, 3, `${context}: ${r.stderr.slice(0, 2000)}`);
      for (const name of named) assert.ok(r.stderr.includes(name), `${context}: the error names ${name}:\n${r.stderr.slice(0, 2000)}`);
      assert.not.match(r.stderr, /\n\s+at \S+ \(/, `${context}: no stack trace`);
      await assertNoWrites(db!, context);
    } finally {
      sql.remove();
    }
  });
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
