// One contract, three engines: every engine passes the same tests; where an engine lacks a
// capability, the test asserts the behaviour its capability flags promise instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Runner } from '../src/runner/commands/runner.js';
import { MigrationError, DriftError } from '../src/runner/util/errors.js';
import { silentLogger, type Logger } from '../src/runner/util/logger.js';
import { columnSnapshot, genesisRows, harnesses, tableNames, type OpenEngine } from './helpers/engines.js';
import { GENESIS_DIR, tempSql } from './helpers/migrations.js';

function recordingLogger(): Logger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

for (const h of harnesses) {
  const t = suite(`engine contract: ${h.name}`);
  const using = async (fn: (o: OpenEngine) => Promise<void>) => {
    const o = await h.open();
    try {
      await fn(o);
    } finally {
      await o.cleanup();
    }
  };

  t('Genesis goes up on a populated database, keeps every row and fills users.name', () =>
    using(async ({ engine, schema }) => {
      const runner = new Runner(engine, { dir: GENESIS_DIR, schema, logger: silentLogger });
      await runner.up('2c43863b5e49');
      await engine.exec(genesisRows());
      const result = await runner.up();
      assert.equal(result.steps.map((s) => s.revision), ['d3ea4d165475', 'f45c116fedf1']);
      const users = await engine.query<{ email: string; name: string }>('SELECT email, name FROM users ORDER BY email');
      assert.equal(users.map((u) => [u.email, u.name]), [
        ['aicha.kone@example.ci', 'Aïcha Koné'],
        ['kofi.mensah@example.gh', 'kofi.mensah'],
        ['moussa.diallo@example.sn', 'Moussa Diallo'],
      ]);
      for (const [table, n] of [['user_profiles', 2], ['businesses', 2], ['coaching_sessions', 3], ['business_briefs', 2], ['business_contexts', 2], ['coaching_steps', 3]] as const) {
        const [row] = await engine.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
        assert.is(Number(row!.n), n, table);
      }
    }),
  );

  t('down to base leaves only the version tables; up again gives the same columns', () =>
    using(async ({ engine, schema }) => {
      const runner = new Runner(engine, { dir: GENESIS_DIR, schema, logger: silentLogger });
      await runner.up();
      const first = await columnSnapshot(engine, schema);
      assert.ok(first.some((c) => c.startsWith('users.name ')), first.join(', '));
      const down = await runner.down('base');
      assert.equal(down.steps.map((s) => s.revision), ['f45c116fedf1', 'd3ea4d165475', '2c43863b5e49']);
      assert.equal(await tableNames(engine, schema), ['pgstrata_version', 'pgstrata_version_log']);
      await runner.up();
      assert.equal(await columnSnapshot(engine, schema), first);
    }),
  );

  t('the version table and the log record what ran', () =>
    using(async ({ engine, schema }) => {
      const sql = tempSql([
        { revision: 'a1', message: 'first', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
        { revision: 'b2', parents: ['a1'], message: 'second', up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
      ]);
      try {
        const runner = new Runner(engine, { dir: sql.dir, schema, logger: silentLogger });
        await runner.up();
        await runner.down();
        const rows = await engine.query<{ revision: string; down_revision: string[]; message: string; up_sql: string; down_sql: string; checksum: string }>(
          `SELECT revision, down_revision, message, up_sql, down_sql, checksum FROM "${schema}".pgstrata_version`,
        );
        assert.is(rows.length, 1);
        assert.equal([rows[0]!.revision, rows[0]!.down_revision, rows[0]!.message], ['a1', [], 'first']);
        assert.match(rows[0]!.up_sql, /CREATE TABLE a/);
        assert.match(rows[0]!.down_sql, /DROP TABLE a/);
        assert.match(rows[0]!.checksum, /^[0-9a-f]{64}$/);
        const log = await engine.query<{ event: string; revision: string }>(`SELECT event, revision FROM "${schema}".pgstrata_version_log ORDER BY id`);
        assert.equal(log.map((l) => `${l.event} ${l.revision}`), ['up a1', 'up b2', 'down b2']);
      } finally {
        sql.remove();
      }
    }),
  );

  t('a failing migration is reported in its file; transactional engines leave nothing of it', () =>
    using(async ({ engine, schema }) => {
      const sql = tempSql([
        { revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
        { revision: 'b2', parents: ['a1'], up: 'CREATE TABLE half (id int);\nINSERT INTO missing_table VALUES (1);', down: 'DROP TABLE half;' },
      ]);
      const logger = recordingLogger();
      try {
        const runner = new Runner(engine, { dir: sql.dir, schema, logger });
        const e = await runner.up().then(() => undefined, (err: unknown) => err);
        assert.ok(e instanceof MigrationError, String(e));
        assert.is(e.revision, 'b2');
        assert.ok(e.location.file.endsWith('up/b2_step.sql'));
        const tables = await tableNames(engine, schema);
        assert.ok(tables.includes('a'), 'the earlier step stays committed');
        const applied = await engine.query<{ revision: string }>(`SELECT revision FROM "${schema}".pgstrata_version`);
        assert.equal(applied.map((r) => r.revision), ['a1']);
        if (engine.capabilities.transactionalDdl) {
          assert.equal([e.location.line, e.location.column, e.db.sqlstate], [6, 13, '42P01']);
          assert.not.ok(tables.includes('half'), 'rolled back');
          assert.match(e.outcome, /rolled back/);
          const [failure] = await engine.query<{ error: string }>(`SELECT error FROM "${schema}".pgstrata_version_log WHERE revision = 'b2'`);
          assert.is(failure!.error, '42P01');
        } else {
          assert.match(e.outcome, /no transactional DDL/);
          assert.ok(logger.lines.some((l) => l.level === 'warn' && /no advisory locks.*no transactional DDL/.test(l.msg ?? '')), 'the engine says what it lacks, in one line');
        }
      } finally {
        sql.remove();
      }
    }),
  );

  t('a COMMIT inside a file fails the step instead of recording it', () =>
    using(async ({ engine, schema }) => {
      const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE early (id int);\nCOMMIT;\nCREATE TABLE late (id int);', down: 'DROP TABLE late; DROP TABLE early;' }]);
      try {
        const runner = new Runner(engine, { dir: sql.dir, schema, logger: silentLogger });
        const e = await runner.up().then(() => undefined, (err: unknown) => err);
        const applied = await engine.query<{ revision: string }>(`SELECT revision FROM "${schema}".pgstrata_version`);
        if (engine.capabilities.transactionalDdl) {
          assert.ok(e instanceof MigrationError, String(e));
          assert.match(e.outcome, /the statements before it were committed; what ran after it was rolled back; the revision was NOT recorded as applied/);
          assert.is(e.location.line, 6, 'points at the COMMIT');
          assert.equal(e.db, { sqlstate: '25000', message: "the file's COMMIT ended pgstrata's transaction" });
          const [failure] = await engine.query<{ error: string }>(`SELECT error FROM "${schema}".pgstrata_version_log WHERE revision = 'a1'`);
          assert.is(failure!.error, '25000', 'the log records invalid_transaction_state, not the guard\'s 42704');
          assert.equal(applied, [], 'never recorded as applied');
          const tables = await tableNames(engine, schema);
          assert.ok(tables.includes('early') && !tables.includes('late'), 'before the COMMIT committed, after it rolled back');
        } else {
          // pg-mem has no transactions to end: the file runs and is recorded, as for any engine without transactional DDL
          assert.is(e, undefined);
          assert.equal(applied.map((r) => r.revision), ['a1']);
        }
      } finally {
        sql.remove();
      }
    }),
  );

  t('a down uses the stored SQL when its file is gone; drift stops up', () =>
    using(async ({ engine, schema }) => {
      const sql = tempSql([{ revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }]);
      try {
        await new Runner(engine, { dir: sql.dir, schema, logger: silentLogger }).up();
        sql.write({ revision: 'a1', up: 'CREATE TABLE a (id bigint);', down: 'DROP TABLE a;' });
        const drift = await new Runner(engine, { dir: sql.dir, schema, logger: silentLogger }).up().then(() => undefined, (e: unknown) => e);
        assert.ok(drift instanceof DriftError);
        assert.equal(drift.items.map((d) => [d.revision, d.kind]), [['a1', 'changed']]);
        const empty = tempSql([]);
        try {
          const down = await new Runner(engine, { dir: empty.dir, schema, logger: silentLogger }).down();
          assert.equal(down.steps.map((s) => s.revision), ['a1']);
          assert.not.ok((await tableNames(engine, schema)).includes('a'));
        } finally {
          empty.remove();
        }
      } finally {
        sql.remove();
      }
    }),
  );

  t.run();
}
