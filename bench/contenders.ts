// Who is measured and how each is invoked: pgstrata's bundled CLI, the one-round-trip floor of
// ../shared/docs/benchmarking.md, and the peers, each over the same generated migrations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linearHistory, tempSql, type MigrationSpec } from '../test/helpers/migrations.js';
import { installPeers, writeDbmate, writeNodePgMigrate, writePostgresMigrations, type PeerPaths } from './peers.js';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = resolve(here, '../bin/pgstrata.js');
export const FLOOR = resolve(here, 'floor.js');
/** bench/noop-floor.ts, bundled by scripts/bundle.mjs. */
export const NOOP_FLOOR = resolve(here, 'noop-floor.bundle.js');
const node = process.execPath;

export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Contender {
  name: string;
  /** Applies every pending migration. */
  apply(url: string): Command;
  /** The same command again at head: there is nothing to do. Undefined when the tool has no such run. */
  noop?(url: string): Command;
}

/** The same migrations written in every tool's format, in one scratch folder. */
export interface Dataset {
  n: number;
  specs: MigrationSpec[];
  pgstrataDir: string;
  dbmateDir: string;
  nodePgMigrateDir: string;
  postgresMigrationsDir: string;
  remove(): void;
}

export function dataset(n: number, specs: MigrationSpec[] = linearHistory(n)): Dataset {
  const sql = tempSql(specs);
  const root = mkdtempSync(join(tmpdir(), 'pgstrata-bench-peers-'));
  const d = { dbmateDir: join(root, 'dbmate'), nodePgMigrateDir: join(root, 'node-pg-migrate'), postgresMigrationsDir: join(root, 'postgres-migrations') };
  writeDbmate(d.dbmateDir, specs);
  writeNodePgMigrate(d.nodePgMigrateDir, specs);
  writePostgresMigrations(d.postgresMigrationsDir, specs);
  return { n, specs, pgstrataDir: sql.dir, ...d, remove: () => (sql.remove(), rmSync(root, { recursive: true, force: true })) };
}

/** lib/pq, which dbmate uses, asks for TLS unless told not to; the local server has none. */
const forDbmate = (url: string) => `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;

export function contenders(data: Dataset, peers: PeerPaths = installPeers()): Contender[] {
  const pgstrata = (url: string): Command => ({ cmd: node, args: [CLI, 'up', '--url', url, '--dir', data.pgstrataDir] });
  const dbmate = (url: string): Command => ({ cmd: peers.dbmate, args: ['--url', forDbmate(url), '--migrations-dir', data.dbmateDir, '--no-dump-schema', 'migrate'] });
  const npm = (url: string): Command => ({ cmd: node, args: [peers.nodePgMigrate, 'up', '-m', data.nodePgMigrateDir], env: { ...process.env, DATABASE_URL: url } });
  const pm = (url: string): Command => ({ cmd: node, args: [peers.postgresMigrations, url, data.postgresMigrationsDir] });
  return [
    { name: 'floor', apply: (url) => ({ cmd: node, args: [FLOOR, url, data.pgstrataDir] }) },
    { name: 'pgstrata', apply: pgstrata, noop: pgstrata },
    { name: 'dbmate', apply: dbmate, noop: dbmate },
    { name: 'node-pg-migrate', apply: npm, noop: npm },
    { name: 'postgres-migrations', apply: pm, noop: pm },
  ];
}
