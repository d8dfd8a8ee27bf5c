// An exclusive lock on a PGlite data directory. Two processes can open one directory at once
// with no error and corrupt it, so pgstrata holds `<dir>.lock` (pid, host, a random nonce) while
// it is open.
//
// The lock file appears whole or not at all: it is written under a private name and linked into
// place, which fails if the lock exists. Taking over a stale lock (its process died on this host)
// is where waiters race: two that both saw it stale must not both replace it, nor may a slow one
// delete the lock the first just took. So a taker first claims that one generation of the lock,
// `<dir>.lock.<hash of its content>.takeover`, created exclusively: one taker wins per generation.
// The winner checks that the lock still holds that content (nothing but a claimant can change a
// dead owner's lock) and renames its own file over it. A claimant that died leaves a claim whose
// own generation is claimed the same way.
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LockTimeoutError } from '../util/errors.js';

interface Owner {
  pid: number;
  host: string;
  since: string;
  nonce?: string;
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

/** A lock or claim file's text and owner; undefined when it is gone or not one of ours. */
function readRecord(path: string): { text: string; owner: Owner } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const owner = JSON.parse(text) as Owner;
    return typeof owner.pid === 'number' ? { text, owner } : undefined;
  } catch {
    return undefined;
  }
}

const stale = (o: Owner) => o.host === hostname() && !alive(o.pid);
const generation = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Writes this process's owner record under a private name, for linking or renaming into place. */
function prepare(path: string): string {
  const record = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), nonce: randomBytes(8).toString('hex') });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, record);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Links `temp` in as `path`; false if `path` exists. */
function tryLink(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Replaces the lock at `path`, whose content was `seen` and whose owner is dead, with `temp`.
 * False when another taker has the claim or the lock changed meanwhile.
 */
function takeOver(path: string, seen: string, temp: string): boolean {
  const claims = [`${path}.${generation(seen)}.takeover`];
  for (;;) {
    const claim = claims[claims.length - 1]!;
    const mine = prepare(claim);
    const won = tryLink(mine, claim);
    unlinkQuietly(mine);
    if (won) {
      if (readRecord(path)?.text !== seen) {
        unlinkQuietly(claim);
        return false;
      }
      renameSync(temp, path);
      // The lock has moved on from `seen`: a late claimant of it now finds the lock changed, so
      // the claims, dead claimants' included, can go.
      for (const c of claims) unlinkQuietly(c);
      return true;
    }
    const holder = readRecord(claim);
    if (!holder || !stale(holder.owner)) return false;
    // Its claimant died mid-takeover: claim that claim's generation in turn.
    claims.push(`${claim}.${generation(holder.text)}.takeover`);
  }
}

/** Takes the lock, waiting up to `timeoutMs` for another live process to let go. */
export async function lockDirectory(dir: string, timeoutMs: number, onWait?: (owner: Owner | undefined) => void): Promise<DirLock> {
  const path = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  const temp = prepare(path);
  try {
    for (;;) {
      if (tryLink(temp, path)) break;
      const held = readRecord(path);
      // A lock left by a process that died on this host is stale: take it over.
      if (held && stale(held.owner)) {
        if (takeOver(path, held.text, temp)) break;
        continue;
      }
      if (Date.now() >= deadline) {
        const who = held ? `pid ${held.owner.pid} on ${held.owner.host} since ${held.owner.since}` : 'another process';
        throw new LockTimeoutError(`the PGlite directory ${dir} is in use by ${who} (lock file ${path}); try again when it finishes, or remove the lock file if that process is gone`);
      }
      if (!told) {
        onWait?.(held?.owner);
        told = true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    // Linked: the lock is the same file under its public name. Renamed: temp is already gone.
    unlinkQuietly(temp);
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
