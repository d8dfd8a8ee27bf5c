// Stray settings from outside the command line are named with where they came from: a
// PGSTRATA_* variable, or a key of the config file, and what the command accepts instead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR } from './helpers/migrations.js';

test('a stray PGSTRATA_* variable is named as an environment setting, with the variables accepted', async () => {
  const r = await runCli(['heads', '--dir', GENESIS_DIR], { env: { PGSTRATA_BOGUS: '1' } });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /^error: unknown setting PGSTRATA_BOGUS \(environment\): `pgstrata heads` has no option --bogus\. /);
  assert.match(r.stderr, 'PGSTRATA_URL, PGSTRATA_DIR, PGSTRATA_SCHEMA, PGSTRATA_TABLE, PGSTRATA_LOCK_TIMEOUT');
  assert.not.match(r.stderr, /Unknown argument/);
  const json = await runCli(['heads', '--dir', GENESIS_DIR, '--json'], { env: { PGSTRATA_BOGUS: '1', PGSTRATA_NO_SUCH_THING: 'x' } });
  const doc = JSON.parse(json.stdout);
  assert.is(doc.code, 'usage');
  assert.match(doc.message, 'unknown setting PGSTRATA_BOGUS (environment)');
  assert.match(doc.message, 'unknown setting PGSTRATA_NO_SUCH_THING (environment): `pgstrata heads` has no option --no-such-thing', 'every stray one, in one report');
});

test('the variables pgstrata does take pass: options, check\'s shared settings, and PGSTRATA_DEBUG', async () => {
  const r = await runCli(['heads', '--dir', GENESIS_DIR], { env: { PGSTRATA_LOCK_TIMEOUT: '3s', PGSTRATA_RULES: 'drop-table=warn', PGSTRATA_DEBUG: '1', PGSTRATA_LOG_LEVEL: 'error' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'f45c116fedf1  add name to user model\n');
});

test('an unknown key in pgstrata.json is named with the file and the keys accepted', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pgstrata-config-'));
  try {
    writeFileSync(join(cwd, 'pgstrata.json'), JSON.stringify({ schema: 'ops', lockTimeout: '30s', nosuchoption: true }));
    const r = await runCli(['heads', '--dir', GENESIS_DIR], { cwd });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: unknown key "nosuchoption" in pgstrata\.json: `pgstrata heads` has no option --nosuchoption\. Its keys are option names: url, dir, schema, table, lock-timeout, /);
    writeFileSync(join(cwd, 'other.json'), JSON.stringify({ 'log-levl': 'info' }));
    const other = await runCli(['heads', '--dir', GENESIS_DIR, '--config', 'other.json'], { cwd });
    assert.match(other.stderr, 'unknown key "log-levl" in other.json');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test.run();
