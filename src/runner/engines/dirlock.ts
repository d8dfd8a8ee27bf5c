// An exclusive lock on a PGlite data directory. Two processes can open one directory at once
// with no error and corrupt it, so pgstrata holds `<dir>.lock` (pid and host) while it is open.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockTimeoutError } from '../errors.js';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Takes the lock, waiting up to `timeoutMs` for another live process to let go. */
export async function lockDirectory(dir: string, timeoutMs: number, onWait?: (owner: Owner | undefined) => void): Promise<DirLock> {
  const path = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (tryCreate(path)) break;
    const owner = readOwner(path);
    // A lock left by a process that died on this host is stale: take it over.
    if (owner && owner.host === hostname() && !alive(owner.pid)) {
      try {
        unlinkSync(path);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process';
      throw new LockTimeoutError(`the PGlite directory ${dir} is in use by ${who} (lock file ${path}); try again when it finishes, or remove the lock file if that process is gone`);
    }
    if (!told) {
      onWait?.(owner);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const onExit = () => unlinkQuietly(path);
  process.once('exit', onExit);
  return {
    path,
    release() {
      process.removeListener('exit', onExit);
      unlinkQuietly(path);
    },
  };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
