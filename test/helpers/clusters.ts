// Extra PostgreSQL clusters for the fleet tests: initdb into a temporary folder, started on a free
// local port with its socket in that folder, stopped (immediate) and removed after. The main
// cluster's settings are never touched. As root (the CI container), initdb and pg_ctl run as the
// postgres OS user, which owns the folder.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.PG_BINDIR ?? ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((d) => existsSync(join(d, 'initdb'))) ?? '';

export interface Cluster {
  port: number;
  /** A URL to a database of this cluster. */
  url(database?: string): string;
  /** Creates the databases (one connection, one statement each). */
  createDatabases(names: readonly string[]): Promise<void>;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pgstrata-cluster-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPostgres(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-N']);
  const port = await freePort();
  // fsync off: a test cluster, thrown away after; it only makes the tests faster.
  asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-w', '-l', join(dir, 'log'), 'start']);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabases(names) {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        for (const n of names) await c.query(`CREATE DATABASE "${n}"`);
      } finally {
        await c.end();
      }
    },
    stop() {
      try {
        asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts `n` clusters at once; stops the ones started if one fails. */
export async function startClusters(n: number): Promise<Cluster[]> {
  const started: Cluster[] = [];
  try {
    for (let i = 0; i < n; i++) started.push(await startCluster());
    return started;
  } catch (e) {
    for (const c of started) c.stop();
    throw e;
  }
}
