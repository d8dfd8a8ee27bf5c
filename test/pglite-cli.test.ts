// The embedded default: no URL means PGlite in ./.pgstrata/dev, held by one process at a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type LiveCli } from './helpers/cli.js';
import { GENESIS_DIR } from './helpers/migrations.js';

const WAITING = /another pgstrata process has this PGlite directory open; waiting/;

test('with no URL, up applies sql/ to ./.pgstrata/dev; two processes at once take turns', async () => {
  const project = mkdtempSync(join(tmpdir(), 'pgstrata-project-'));
  let runs: LiveCli[] = [];
  try {
    cpSync(GENESIS_DIR, join(project, 'sql'), { recursive: true });
    // The directory is held (by this live process) when both start, so both must wait for it:
    // whatever the timing, neither may open it while it is held.
    mkdirSync(join(project, '.pgstrata'));
    const lock = join(project, '.pgstrata', 'dev.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    runs = [0, 1].map(() => startCli(['up', '--log-level', 'info', '--lock-timeout', '2m'], { cwd: project }));
    await Promise.all(runs.map((r) => r.waitFor(WAITING)));
    assert.not.ok(existsSync(join(project, '.pgstrata', 'dev', 'PG_VERSION')), 'nobody opened the directory while it was held');
    rmSync(lock);
    const [a, b] = await Promise.all(runs.map((r) => r.done));
    assert.is(a!.status, 0, a!.stderr);
    assert.is(b!.status, 0, b!.stderr);
    const applied = [a!.stdout, b!.stdout].join('\n').match(/up {3}\w+/g) ?? [];
    assert.equal(applied.sort(), ['up   2c43863b5e49', 'up   d3ea4d165475', 'up   f45c116fedf1'], 'each revision applied once, by one of them');
    assert.ok(WAITING.test(a!.stderr) && WAITING.test(b!.stderr), 'both processes said they waited');
    assert.ok(existsSync(join(project, '.pgstrata', 'dev', 'PG_VERSION')));
    assert.not.ok(existsSync(lock), 'the lock file is gone after both exit');
    const status = await runCli(['current'], { cwd: project });
    assert.is(status.status, 0, status.stderr);
    assert.is(status.stdout.trim(), 'f45c116fedf1');
  } finally {
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.done.catch(() => undefined)));
    rmSync(project, { recursive: true, force: true });
  }
});

test('with no URL and no ./.pgstrata/dev yet, read-only commands and dry runs create nothing: a database with nothing applied', async () => {
  const project = mkdtempSync(join(tmpdir(), 'pgstrata-project-'));
  try {
    cpSync(GENESIS_DIR, join(project, 'sql'), { recursive: true });
    const run = async (...args: string[]) => {
      const r = await runCli(args, { cwd: project });
      assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.not.ok(existsSync(join(project, '.pgstrata')), `${args.join(' ')} created ./.pgstrata`);
      return r;
    };
    const status = await run('status');
    assert.match(status.stdout, 'database  no database yet at ./.pgstrata/dev');
    assert.match(status.stdout, '0 applied, 3 pending.');
    assert.match(status.stderr, 'no database yet at ./.pgstrata/dev; `make migrate` creates it');
    assert.is((await run('current')).stdout.trim(), 'base (no revision applied)');
    assert.equal(JSON.parse((await run('status', '--json')).stdout).pending, ['2c43863b5e49', 'd3ea4d165475', 'f45c116fedf1']);
    const dry = await run('up', '--dry-run');
    assert.match(dry.stdout, 'Would apply 3 revisions (dry run; nothing was executed)');
    assert.match(dry.stderr, '`make migrate` creates it');
    assert.match((await run('stamp', 'head', '--dry-run')).stdout, 'Would stamp');
    assert.match((await run('locks')).stdout, 'Nobody holds or waits for the migration lock');
    await run('history');
    await run('graph');
    const down = await runCli(['down', '--dry-run'], { cwd: project });
    assert.is(down.status, 2, 'nothing is applied, so there is nothing to revert');
    assert.not.ok(existsSync(join(project, '.pgstrata')));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test.run();
