// The tools users would pick instead, installed from npm into a scratch folder (bench/.peers,
// git-ignored), never into pgstrata's package.json. Each gets the same generated migrations in
// its own format.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationSpec } from '../test/helpers/migrations.js';

export const PEER_VERSIONS = { dbmate: '2.36.0', 'node-pg-migrate': '9.0.0', 'postgres-migrations': '5.3.0', pg: '8.23.1' };
const SCRATCH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/.peers');

export interface PeerPaths {
  /** dbmate's Go binary from its platform package (the npm wrapper would add a Node start). */
  dbmate: string;
  /** The npm package's Node wrapper, which finds and spawns that binary (what `npx dbmate` runs). */
  dbmateWrapper: string;
  nodePgMigrate: string;
  /** A five-line script calling postgres-migrations' migrate(), which has no CLI of its own. */
  postgresMigrations: string;
}

export function installPeers(): PeerPaths {
  mkdirSync(SCRATCH, { recursive: true });
  const pkg = JSON.stringify({ name: 'pgstrata-bench-peers', private: true, type: 'module', dependencies: PEER_VERSIONS }, null, 2);
  const pkgPath = join(SCRATCH, 'package.json');
  const stale = !existsSync(pkgPath) || readFileSync(pkgPath, 'utf8') !== pkg || !existsSync(join(SCRATCH, 'node_modules/.package-lock.json'));
  if (stale) {
    writeFileSync(pkgPath, pkg);
    process.stderr.write(`installing ${Object.entries(PEER_VERSIONS).map(([k, v]) => `${k}@${v}`).join(', ')} into ${SCRATCH}\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: SCRATCH, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const runner = join(SCRATCH, 'postgres-migrations-run.mjs');
  writeFileSync(
    runner,
    `import pg from 'pg';\nimport { migrate } from 'postgres-migrations';\nconst client = new pg.Client({ connectionString: process.argv[2] });\nawait client.connect();\ntry { await migrate({ client }, process.argv[3]); } finally { await client.end(); }\n`,
  );
  const arch = process.arch === 'x64' ? 'x64' : process.arch;
  return {
    dbmate: join(SCRATCH, `node_modules/@dbmate/${process.platform}-${arch}/bin/dbmate`),
    dbmateWrapper: join(SCRATCH, 'node_modules/dbmate/dist/cli.js'),
    nodePgMigrate: join(SCRATCH, 'node_modules/node-pg-migrate/bin/node-pg-migrate.js'),
    postgresMigrations: runner,
  };
}

const pad = (i: number) => String(i + 1).padStart(6, '0');

/** dbmate: one file per migration with `-- migrate:up` and `-- migrate:down` sections. */
export function writeDbmate(dir: string, specs: MigrationSpec[]): void {
  mkdirSync(dir, { recursive: true });
  specs.forEach((m, i) => writeFileSync(join(dir, `${pad(i)}_step.sql`), `-- migrate:up\n${m.up}\n\n-- migrate:down\n${m.down ?? ''}\n`));
}

/** node-pg-migrate: SQL files with `-- Up Migration` and `-- Down Migration` markers. */
export function writeNodePgMigrate(dir: string, specs: MigrationSpec[]): void {
  mkdirSync(dir, { recursive: true });
  specs.forEach((m, i) => writeFileSync(join(dir, `${pad(i)}_step.sql`), `-- Up Migration\n${m.up}\n\n-- Down Migration\n${m.down ?? ''}\n`));
}

/** postgres-migrations: `<n>_<name>.sql` with consecutive ids from 1, up only. */
export function writePostgresMigrations(dir: string, specs: MigrationSpec[]): void {
  mkdirSync(dir, { recursive: true });
  specs.forEach((m, i) => writeFileSync(join(dir, `${i + 1}_step_${i + 1}.sql`), `${m.up}\n`));
}
