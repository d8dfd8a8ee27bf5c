// The embedded default: no URL means PGlite in ./.pgstrata/dev, held by one process at a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR } from './helpers/migrations.js';

test('with no URL, up applies sql/ to ./.pgstrata/dev; two processes at once take turns', async () => {
  const project = mkdtempSync(join(tmpdir(), 'pgstrata-project-'));
  try {
    cpSync(GENESIS_DIR, join(project, 'sql'), { recursive: true });
    const [a, b] = await Promise.all([runCli(['up', '--log-level', 'info'], { cwd: project }), runCli(['up', '--log-level', 'info'], { cwd: project })]);
    assert.is(a.status, 0, a.stderr);
    assert.is(b.status, 0, b.stderr);
    const applied = [a.stdout, b.stdout].join('\n').match(/up {3}\w+/g) ?? [];
    assert.equal(applied.sort(), ['up   2c43863b5e49', 'up   d3ea4d165475', 'up   f45c116fedf1'], 'each revision applied once, by one of them');
    assert.ok(/PGlite directory open; waiting/.test(a.stderr + b.stderr), 'the second process said it waited');
    assert.ok(existsSync(join(project, '.pgstrata', 'dev', 'PG_VERSION')));
    assert.not.ok(existsSync(join(project, '.pgstrata', 'dev.lock')), 'the lock file is gone after both exit');
    const status = await runCli(['current'], { cwd: project });
    assert.is(status.stdout.trim(), 'f45c116fedf1');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test.run();
