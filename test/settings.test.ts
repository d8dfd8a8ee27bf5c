// Stray settings from outside the command line are named with where they came from: a
// PGSTRATA_* variable (a warning: the environment is shared) or a key of the config file (an
// error: the file is pgstrata's own), and what the command accepts instead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR } from './helpers/migrations.js';

test('a stray PGSTRATA_* variable is warned about, named with the variables accepted, and the command runs', async () => {
  const r = await runCli(['heads', '--dir', GENESIS_DIR], { env: { PGSTRATA_BOGUS: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'f45c116fedf1  add name to user model\n');
  assert.match(r.stderr, /^warning: PGSTRATA_BOGUS is not a setting of `pgstrata heads` \(it has no option --bogus\); ignored\. /);
  assert.match(r.stderr, 'PGSTRATA_URL, PGSTRATA_DIR, PGSTRATA_SCHEMA, PGSTRATA_TABLE, PGSTRATA_LOCK_TIMEOUT');
  assert.not.match(r.stderr, /Unknown argument/);
  const json = await runCli(['heads', '--dir', GENESIS_DIR, '--json'], { env: { PGSTRATA_BOGUS: '1', PGSTRATA_NO_SUCH_THING: 'x', PGSTRATA_A__B: 'nested' } });
  assert.is(json.status, 0, json.stderr);
  assert.is(JSON.parse(json.stdout).heads[0].revision, 'f45c116fedf1', 'stdout stays one JSON document');
  assert.match(json.stderr, 'PGSTRATA_NO_SUCH_THING is not a setting of `pgstrata heads` (it has no option --no-such-thing)', 'every stray one is named');
  assert.match(json.stderr, 'PGSTRATA_A__B is not a setting');
});

test('a variable named PGSTRATA, or PGSTRATA and more without _, is not a setting and is ignored without a word', async () => {
  // yargs reads every variable starting with the prefix; PGSTRATA=x became an option named "".
  const r = await runCli(['heads', '--dir', GENESIS_DIR], { env: { PGSTRATA: 'x', PGSTRATAHOME: '/opt' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.is(r.stdout, 'f45c116fedf1  add name to user model\n');
});

test('--version prints the package version from any working directory', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pgstrata-version-'));
  try {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version'], { cwd });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, `${version}\n`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
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
