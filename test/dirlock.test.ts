// The PGlite directory lock under contention: processes racing to take over a stale lock (its
// owner died) hold it one at a time, each exactly once, and leave no file behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { lockDirectory } from '../src/runner/engines/dirlock.js';

const CONTENDERS = 6;
const CHILD = fileURLToPath(new URL('./helpers/dirlock-child.js', import.meta.url));

/** A pid that no process has any more: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('processes racing for a stale lock hold it one at a time, each once, and leave nothing behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pgstrata-dirlock-'));
  try {
    for (let round = 0; round < 6; round++) {
      const dir = join(root, `db${round}`);
      const log = join(root, `log${round}`);
      writeFileSync(log, '');
      writeFileSync(`${dir}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString() }));
      const startAt = String(Date.now() + 800);
      const runs = await Promise.all(Array.from({ length: CONTENDERS }, () => run([dir, log, startAt, '30'])));
      for (const r of runs) assert.is(r.status, 0, r.stderr);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      assert.is(lines.length, 2 * CONTENDERS, lines.join('\n'));
      for (let i = 0; i < lines.length; i += 2) {
        const pid = lines[i]!.split(' ')[1];
        assert.equal([lines[i], lines[i + 1]], [`acquired ${pid}`, `released ${pid}`], `round ${round}: two holders at once\n${lines.join('\n')}`);
      }
      assert.is(new Set(lines.map((l) => l.split(' ')[1])).size, CONTENDERS, 'each contender held it once');
      assert.equal(readdirSync(root).filter((f) => f.startsWith(`db${round}.`)), [], 'no lock, claim or temporary file is left');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a taker that died holding its claim on a stale lock does not block the next one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pgstrata-dirlock-'));
  try {
    const dir = join(root, 'db');
    const stale = JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString() });
    writeFileSync(`${dir}.lock`, stale);
    // The claim on that generation of the lock, left by a claimant that died (see dirlock.ts).
    const generation = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    writeFileSync(`${dir}.lock.${generation}.takeover`, JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString() }));
    const lock = await lockDirectory(dir, 2000);
    assert.is(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid, process.pid, 'the lock is ours');
    lock.release();
    assert.equal(readdirSync(root), [], 'the dead claim went with the takeover');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
