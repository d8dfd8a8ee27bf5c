// A private PgBouncer for one test: its own ini and userlist in a temp dir, a free loopback port,
// the test server behind it, stopped afterwards. A missing binary fails the test (never skips):
// .ci/run installs Debian's pgbouncer.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_URL } from './postgres.js';

export interface Bouncer {
  /** A URL for `database` through the pooler. */
  url(database: string): string;
  stop(): Promise<void>;
}

function binary(): string {
  for (const candidate of [process.env.PGBOUNCER, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (candidate && existsSync(candidate)) return candidate;
  throw new Error('pgbouncer is not installed: the PgBouncer fault tests need it (apt-get install -y pgbouncer; .ci/run installs it), or set PGBOUNCER=/path/to/pgbouncer');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPgBouncer(poolMode: 'session' | 'transaction', poolSize: number): Promise<Bouncer> {
  const exe = binary();
  const server = new URL(SERVER_URL);
  const user = decodeURIComponent(server.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pgstrata-pgbouncer-'));
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: drop to the postgres user, who must read the files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, -1);
    chmodSync(dir, 0o755);
  }
  const child: ChildProcess = spawn(exe, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let startTimer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        if (/listening on 127\.0\.0\.1:\d+/.test(log)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`pgbouncer exited with status ${code} before listening:\n${log}`)));
      startTimer = setTimeout(() => reject(new Error(`pgbouncer did not start listening within 10 s:\n${log}`)), 10_000);
    });
  } catch (e) {
    // Leave nothing behind: neither a pgbouncer still starting nor its temp dir.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    clearTimeout(startTimer);
  }
  return {
    url(database) {
      const u = new URL(SERVER_URL);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      u.pathname = `/${database}`;
      return u.toString();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
