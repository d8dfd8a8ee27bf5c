// Adopting a database that Alembic managed: build it as Alembic did (2c43863b5e49's SQL, then
// Alembic's own d3ea4d165475 operations), stamp --from-alembic, follow docs/adopting.md's procedure,
// and end at head with the schema a pgstrata-built database has.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksum } from '../src/runner/source/checksum.js';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR } from './helpers/migrations.js';
import { schemaDump } from './helpers/pgtools.js';
import { withDatabase, withTwoDatabases, type TestDatabase } from './helpers/postgres.js';

const ADOPTING = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/adopting.md');
const upFile = (prefix: string) => join(GENESIS_DIR, 'up', readdirSync(join(GENESIS_DIR, 'up')).find((f) => f.startsWith(prefix))!);
const cli = (db: TestDatabase, ...args: string[]) => runCli(['--dir', GENESIS_DIR, '--url', db.url, ...args]);

/** The SQL block docs/adopting.md tells an adopter to run, read from that page itself. */
function readmeArchiveSql(): string {
  const text = readFileSync(ADOPTING, 'utf8');
  const m = /<!-- alembic-archive-table[^>]*-->\s*```sql\n([\s\S]*?)```/.exec(text);
  assert.ok(m, 'docs/adopting.md has the archive-table block');
  return m![1]!;
}

/** The database as Alembic left it at d3ea4d165475 (its upgrade(): add, drop index, drop columns), with users. */
async function alembicAtD3ea(db: TestDatabase): Promise<void> {
  await db.query(readFileSync(upFile('2c43863b5e49'), 'utf8'));
  await db.query(`ALTER TABLE users ADD COLUMN hashed_password VARCHAR NOT NULL;
    DROP INDEX ix_users_dc360_user_id;
    ALTER TABLE users DROP COLUMN dc360_user_id;
    ALTER TABLE users DROP COLUMN name;`);
  await db.query(`INSERT INTO users (email, hashed_password) VALUES ('ana.diop@example.sn', '$2b$12$x'), ('kofi@example.gh', '$2b$12$y')`);
}

/** The recorded revisions, or [] when there is no version table (yet). */
async function recorded(db: TestDatabase): Promise<string[]> {
  const [t] = await db.query<{ t: string | null }>("SELECT to_regclass('public.pgstrata_version')::text AS t");
  if (!t?.t) return [];
  return (await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision')).map((r) => r.revision);
}

test('stamp --from-alembic: clear errors when alembic_version is missing or names a revision the files lack', async () => {
  await withDatabase(async (db) => {
    await alembicAtD3ea(db);
    const missing = await cli(db, 'stamp', '--from-alembic');
    assert.is(missing.status, 2);
    assert.match(missing.stderr, 'there is no table alembic_version');
    assert.equal(await recorded(db), [], 'nothing was recorded');

    await db.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('0123456789ab')");
    const unknown = await cli(db, 'stamp', '--from-alembic');
    assert.is(unknown.status, 3);
    assert.match(unknown.stderr, 'alembic_version says the database is at 0123456789ab, but no up file defines that revision');
    assert.equal(await db.query('SELECT revision FROM pgstrata_version'), [], 'nothing was recorded');

    const both = await cli(db, 'stamp', 'head', '--from-alembic');
    assert.is(both.status, 2);
    assert.match(both.stderr, 'stamp takes a target, or --from-alembic, or --from TOOL (one of them)');
    assert.equal(await recorded(db), [], 'still nothing recorded');
  });
});

test('a database Alembic brought to d3ea4d165475 continues with up from there, as docs/adopting.md says', () =>
  withTwoDatabases(async (db, built) => {
    await alembicAtD3ea(db);
    await db.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('d3ea4d165475')");

    const dry = await cli(db, 'stamp', '--from-alembic', '--dry-run');
    assert.is(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, 'Would stamp');
    assert.match(dry.stdout, '2c43863b5e49');
    assert.match(dry.stdout, 'd3ea4d165475');
    assert.equal(await recorded(db), [], 'the dry run records nothing');
    const stamped = await cli(db, 'stamp', '--from-alembic');
    assert.is(stamped.status, 0, stamped.stderr);
    assert.match(stamped.stdout, 'alembic_version: d3ea4d165475');
    const rows = await db.query<{ revision: string; checksum: string }>('SELECT revision, checksum FROM pgstrata_version ORDER BY revision');
    assert.equal(rows.map((r) => r.revision), ['2c43863b5e49', 'd3ea4d165475']);
    for (const r of rows) assert.is(r.checksum, checksum(readFileSync(upFile(r.revision), 'utf8')));
    const events = await db.query<{ event: string }>('SELECT event FROM pgstrata_version_log');
    assert.equal(events.map((e) => e.event), ['stamp', 'stamp']);

    // Without the archive table Alembic never made, f45c116fedf1 stops (and rolls back).
    const stopped = await cli(db, 'up');
    assert.is(stopped.status, 1);
    assert.match(stopped.stderr, 'relation "users_pre_standalone_auth" does not exist');
    assert.match(stopped.stderr, 'rolled back');
    const stillStamped = await db.query<{ revision: string }>('SELECT revision FROM pgstrata_version ORDER BY revision');
    assert.equal(stillStamped.map((r) => r.revision), ['2c43863b5e49', 'd3ea4d165475'], 'f45c116fedf1 is not recorded');
    assert.equal(await db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'"), [], 'nothing of f45c116fedf1 remains');

    await db.query(readmeArchiveSql());
    const up = await cli(db, 'up');
    assert.is(up.status, 0, up.stderr);
    const status = JSON.parse((await cli(db, 'status', '--json')).stdout);
    assert.equal(status.current, ['f45c116fedf1']);
    assert.equal(status.pending, []);
    const names = await db.query<{ email: string; name: string }>('SELECT email, name FROM users ORDER BY id');
    assert.equal(names.map((n) => n.name), ['ana.diop', 'kofi']);

    // Same schema as a database pgstrata built from scratch, apart from alembic_version.
    assert.is((await cli(built, 'up')).status, 0);
    assert.fixture(await schemaDump(db.url, ['--exclude-table=alembic_version']), await schemaDump(built.url));
  }),
);

test('stamp --from-alembic again after up removes nothing: the records are already past alembic_version', () =>
  withDatabase(async (db) => {
    await alembicAtD3ea(db);
    await db.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('d3ea4d165475')");
    assert.is((await cli(db, 'stamp', '--from-alembic')).status, 0);
    await db.query(readmeArchiveSql());
    const up = await cli(db, 'up');
    assert.is(up.status, 0, up.stderr);
    assert.match(up.stdout, 'f45c116fedf1');

    const dry = await cli(db, 'stamp', '--from-alembic', '--dry-run');
    assert.is(dry.status, 0, dry.stderr);
    assert.not.match(dry.stdout, /^ +remove /m);
    const again = await cli(db, 'stamp', '--from-alembic');
    assert.is(again.status, 0, again.stderr);
    assert.not.match(again.stdout, /^ +remove /m);
    assert.match(again.stdout, 'The version table is already past alembic_version: f45c116fedf1 was applied since');
    assert.match(again.stdout, 'Nothing to stamp.');
    assert.equal(await recorded(db), ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1'], 'f45c116fedf1 is still recorded');
    const json = JSON.parse((await cli(db, 'stamp', '--from-alembic', '--json')).stdout);
    assert.equal([json.steps, json.ahead], [[], ['f45c116fedf1']]);
    const events = (await db.query<{ event: string }>('SELECT event FROM pgstrata_version_log ORDER BY id')).map((e) => e.event);
    assert.equal(events, ['stamp', 'stamp', 'up'], 'no unstamp');

    const next = await cli(db, 'up');
    assert.is(next.status, 0, next.stderr);
    assert.match(next.stdout, 'Nothing to apply');
  }),
);

test('stamp --from-alembic adds only the missing ancestors of alembic_version, never removes a row', () =>
  withDatabase(async (db) => {
    await alembicAtD3ea(db);
    await db.query("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('d3ea4d165475')");
    assert.is((await cli(db, 'stamp', '2c43863b5e49')).status, 0);
    const adopted = await cli(db, 'stamp', '--from-alembic');
    assert.is(adopted.status, 0, adopted.stderr);
    assert.match(adopted.stdout, /add +d3ea4d165475/);
    assert.not.match(adopted.stdout, '2c43863b5e49', 'already recorded, so not stamped again');
    assert.equal(await recorded(db), ['2c43863b5e49', 'd3ea4d165475']);
  }),
);

test.run();
