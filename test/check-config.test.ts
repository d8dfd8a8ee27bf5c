// Silencing findings: `-- pgstrata-ignore:` comments, rule levels from configuration, --strict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyLevels, parseRuleLevels } from '../src/check/findings/config.js';
import { parseIgnore } from '../src/check/findings/ignore.js';
import { UsageError } from '../src/runner/util/errors.js';
import { base, child, positions, staticCheck } from './helpers/check.js';
import { runCli } from './helpers/cli.js';
import { GENESIS_DIR, tempSql, type TempSql } from './helpers/migrations.js';
import { withDatabase } from './helpers/postgres.js';

test('parseIgnore reads rule ids and the reason after a dash, an em dash or a colon', () => {
  assert.equal(parseIgnore('set-not-null — users is tiny'), { rules: ['set-not-null'], reason: 'users is tiny' });
  assert.equal(parseIgnore('drop-column, drop-table -- gone since v2'), { rules: ['drop-column', 'drop-table'], reason: 'gone since v2' });
  assert.equal(parseIgnore('drop-column: unused'), { rules: ['drop-column'], reason: 'unused' });
  assert.equal(parseIgnore('drop-column'), { rules: ['drop-column'], reason: '' });
});

test('an ignore comment on the line before a statement silences that rule there, and only there', async () => {
  const up = '-- pgstrata-ignore: drop-column — nothing reads x since v2\nALTER TABLE t DROP COLUMN x;\nALTER TABLE t DROP COLUMN label;';
  const r = await staticCheck([base(), child(up)]);
  assert.equal(positions(r.findings, 'drop-column'), ['up 8:1']);
  assert.equal(r.findings.filter((f) => f.rule !== 'drop-column'), []);
});

test('an ignore comment right under the header lines silences the first statement; up accepts the file', async () => {
  const file = '-- revision: r2\n-- down_revision: r1\n-- message: add y\n-- pgstrata-ignore: require-lock-timeout — nothing else uses t yet\nALTER TABLE t ADD COLUMN y int;\n';
  const files = (t: TempSql) => {
    t.raw('up', 'r2_add_y.sql', file);
    t.raw('down', 'r2_add_y.sql', '-- pgstrata-ignore: require-lock-timeout — nothing else uses t yet\nALTER TABLE t DROP COLUMN y;\n');
  };
  const r = await staticCheck([base()], files);
  assert.equal(r.findings, [], 'no invalid-file, no require-lock-timeout, no unused-ignore');
  const t = tempSql([base()]);
  try {
    files(t);
    await withDatabase(async (db) => {
      const up = await runCli(['up', '--url', db.url, '--dir', t.dir]);
      assert.is(up.status, 0, up.stdout + up.stderr);
      assert.equal(await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 't' AND column_name = 'y'"), [{ column_name: 'y' }]);
    });
  } finally {
    t.remove();
  }
});

test('the comment may head a block of comment lines; another rule id does not silence', async () => {
  const up = '-- pgstrata-ignore: drop-column — nothing reads x since v2,\n-- as the release notes say\nALTER TABLE t DROP COLUMN x;\n-- pgstrata-ignore: drop-table — wrong rule\nALTER TABLE t DROP COLUMN label;';
  const r = await staticCheck([base(), child(up)]);
  assert.equal(positions(r.findings, 'drop-column'), ['up 10:1']);
  assert.equal(positions(r.findings, 'unused-ignore'), ['up 9:1']);
});

test('an ignore may sit above the finding\'s own line inside a statement', async () => {
  const up = 'ALTER TABLE t\n  ADD COLUMN ok text,\n  -- pgstrata-ignore: not-null-column-without-default — t is empty everywhere\n  ADD COLUMN n text NOT NULL,\n  ADD COLUMN n2 text NOT NULL;';
  const r = await staticCheck([base(), child(up)]);
  assert.equal(positions(r.findings, 'not-null-column-without-default'), ['up 10:14'], 'only the column below the comment');
  assert.equal(positions(r.findings, 'unused-ignore'), []);
});

test('a pgstrata-ignore in a /* */ comment is not read, and says so', async () => {
  const r = await staticCheck([base(), child('/* pgstrata-ignore: drop-column — unused */\nALTER TABLE t DROP COLUMN x;')]);
  assert.equal(positions(r.findings, 'drop-column'), ['up 7:1']);
  assert.equal(positions(r.findings, 'unused-ignore'), ['up 6:1']);
  const f = r.findings.find((x) => x.rule === 'unused-ignore')!;
  assert.match(f.message, /only `--` comments silence findings/);
  assert.match(f.fix, /-- pgstrata-ignore: <rule-id> — why/);
});

test('unused-ignore and ignore-without-reason are warnings about the comment itself', async () => {
  const up = '-- pgstrata-ignore: drop-column\nALTER TABLE t DROP COLUMN x;\n\n-- pgstrata-ignore: no-such-rule — because\nSELECT 1;\n\n-- pgstrata-ignore: set-not-null — fine\nALTER TABLE t ADD COLUMN y int;';
  const r = await staticCheck([base(), child(up)]);
  assert.equal(positions(r.findings, 'ignore-without-reason'), ['up 6:1']);
  assert.equal(positions(r.findings, 'unused-ignore'), ['up 12:1', 'up 9:1']);
  assert.ok(r.findings.every((f) => f.severity === 'warning'));
  assert.match(r.findings.find((f) => f.line === 9)!.message, /"no-such-rule" is not a rule id/);
});

test('rule levels: off drops, warn lowers, strict raises every warning to an error', () => {
  const f = (rule: string, severity: 'error' | 'warning') => ({ file: 'f', rule, severity, message: 'm', fix: 'x' });
  const findings = [f('require-lock-timeout', 'error'), f('create-index-concurrently', 'error'), f('multi-statement-no-transaction', 'warning')];
  const levels = parseRuleLevels({ 'require-lock-timeout': 'off', 'create-index-concurrently': 'warn', createIndexConcurrently: 'warn' });
  assert.equal(applyLevels(findings, levels, false).map((x) => `${x.rule} ${x.severity}`), ['create-index-concurrently warning', 'multi-statement-no-transaction warning']);
  assert.equal(applyLevels(findings, levels, true).map((x) => x.severity), ['error', 'error']);
  assert.equal([...parseRuleLevels('{"drop-table": "warning"}')], [['drop-table', 'warning']]);
  assert.equal([...parseRuleLevels('drop-table=off, rename-table=warn')], [['drop-table', 'off'], ['rename-table', 'warning']]);
});

test('rule levels: unknown ids and levels, and turning down what cannot run, are usage errors', () => {
  assert.throws(() => parseRuleLevels({ 'no-such-rule': 'off' }), (e: unknown) => e instanceof UsageError && /unknown rule "no-such-rule"/.test(e.message));
  assert.throws(() => parseRuleLevels({ 'drop-table': 'loud' }), (e: unknown) => e instanceof UsageError && /not a level/.test(e.message));
  assert.throws(() => parseRuleLevels({ 'syntax-error': 'off' }), (e: unknown) => e instanceof UsageError && /cannot be turned off/.test(e.message));
  assert.throws(() => parseRuleLevels({ 'roundtrip-failed': 'warn' }), (e: unknown) => e instanceof UsageError && /"roundtrip-failed" cannot be turned down: .*fix the file$/.test(e.message));
  assert.throws(() => parseRuleLevels('{"drop-table": off}'), (e: unknown) => e instanceof UsageError && /^rules: not valid JSON \(.*\); write e\.g\. \{"require-lock-timeout": "off"\}/.test(e.message));
  assert.equal([...parseRuleLevels({ 'multi-statement-no-transaction': 'error' })], [['multi-statement-no-transaction', 'error']]);
});

test('each of the Genesis history\'s ignore comments gives a reason', () => {
  for (const side of ['up', 'down']) {
    const dir = join(GENESIS_DIR, side);
    for (const name of ['d3ea4d165475_update_user_model_for_standalone_auth.sql', 'f45c116fedf1_add_name_to_user_model.sql']) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l.includes('pgstrata-ignore'))) {
        assert.ok(parseIgnore(line.replace(/^--\s*pgstrata-ignore:/, '')).reason.length > 20, line);
      }
    }
  }
});

test.run();
