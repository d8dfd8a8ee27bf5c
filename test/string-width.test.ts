// The bundled CLI lays out its help with src/cli/string-width.ts instead of the string-width
// package: on everything pgstrata's help can contain, both must agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import reference from 'string-width';
import stringWidth from '../src/cli/string-width.js';

const SAMPLES = [
  '',
  'pgstrata <command> [options]',
  '--lock-timeout  How long to wait for another runner (e.g. 30s, 5m)    [string] [default: "5m"]',
  'Database: postgres://…, pglite:<dir>',
  'naïve café Aïcha Koné',
  '表格 テーブル 테이블',
  'emoji 😀 and flags',
  '\u001b[31mred\u001b[39m text',
  'e\u0301 combining',
  'zero\u200bwidth',
  '\ufeffbom',
];

test('agrees with the string-width package on help text, accents, CJK, emoji, ANSI and zero-width characters', () => {
  for (const s of SAMPLES) assert.is(stringWidth(s), reference(s), JSON.stringify(s));
});

test.run();
