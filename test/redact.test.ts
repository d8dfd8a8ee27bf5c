// Redaction is structural: passwords are masked where they stand as credentials, and in foreign
// text only as whole tokens, so short or common passwords leave the rest of the output intact.
// The secrets are remembered for the whole process, as in the CLI: each test adds its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addSecret, addUrlSecret, redactForeign, redactText, redactUrl, redactValue } from '../src/runner/util/redact.js';

test('redactUrl masks the userinfo password and password= in the query, and nothing else', () => {
  assert.is(redactUrl('postgres://postgres:postgres@127.0.0.1:5432/postgres'), 'postgres://postgres:***@127.0.0.1:5432/postgres');
  assert.is(redactUrl('postgres://u:e@db/x?sslmode=require&password=qwertyzzz&application_name=a'), 'postgres://u:***@db/x?sslmode=require&password=***&application_name=a');
  assert.is(redactUrl('postgres://u@db/x?password=qwertyzzz'), 'postgres://u@db/x?password=***');
  assert.is(redactUrl('postgres://u@db/x'), 'postgres://u@db/x', 'no password, no change');
  assert.is(redactUrl('postgres://u:p%40ss@[::1:bad/db'), 'postgres://u:***@[::1:bad/db', 'a URL the WHATWG parser refuses is masked too');
  assert.is(redactUrl('postgres://u:p@ss/w@db/x'), 'postgres://u:***@db/x', 'an unencoded @ or / in the password still ends at the last @');
});

test('redactUrl masks password= in a keyword/value connection string, quoted or not', () => {
  assert.is(redactUrl('host=db password=qwertyzzz dbname=x'), 'host=db password=*** dbname=x');
  assert.is(redactUrl("host=db password = 'a \\'b c' dbname=x"), 'host=db password = *** dbname=x');
  assert.is(redactUrl('host=db sslpassword=k1'), 'host=db sslpassword=***');
});

test('addUrlSecret learns every password a connection string carries', () => {
  addUrlSecret('postgres://u:Userinfo-Secret@db/x?password=Query-Secret');
  addUrlSecret("host=db password='Keyword Secret'");
  assert.is(redactForeign('a Userinfo-Secret b Query-Secret c "Keyword Secret"'), 'a *** b *** c "***"');
});

test('a short or common password leaves text intact: only credentials are masked in pgstrata text', () => {
  for (const s of ['e', '1', 'postgres', 'true', 'x']) addSecret(s);
  const status = 'database  postgres://postgres:***@127.0.0.1:5432/db\ncurrent   d3ea4d165475 applied by postgres in 1 ms';
  assert.is(redactText(status), status);
  assert.is(redactText('postgres://postgres:postgres@127.0.0.1/db'), 'postgres://postgres:***@127.0.0.1/db');
  assert.is(redactText('postgres://postgres:e@h/db?password=1'), 'postgres://postgres:***@h/db?password=***');
  assert.is(redactText('postgres://a:unknown-to-us@h/db'), 'postgres://a:unknown-to-us@h/db', 'a migration literal with another credential is not pgstrata\'s to change');
  assert.is(redactText("UPDATE users SET hashed_password = 'e';"), "UPDATE users SET hashed_password = 'e';", 'SQL printed by up --sql stays as written');
  addSecret('Kv-Secret');
  assert.is(redactText(JSON.stringify({ m: 'host=h password=Kv-Secret' })), '{"m":"host=h password=***"}', 'inside a serialised document too, which stays JSON');
});

test('--json: values are redacted before serialising, so the document still parses', () => {
  addSecret('e');
  addSecret('1');
  const doc = { ok: true, database: 'postgres://u:e@h/db', steps: [{ revision: 'e1', durationMs: 1, note: 'true' }], nested: { url: 'postgres://u@h/db?password=1' } };
  const text = JSON.stringify(redactValue(doc));
  assert.equal(JSON.parse(text), { ok: true, database: 'postgres://u:***@h/db', steps: [{ revision: 'e1', durationMs: 1, note: 'true' }], nested: { url: 'postgres://u@h/db?password=***' } });
});

test('foreign text: a known secret is masked only as a whole token, URLs structurally', () => {
  addSecret('Foreign-Pw');
  addSecret('postgres');
  assert.is(redactForeign('syntax error at or near "Foreign-Pw"'), 'syntax error at or near "***"');
  assert.is(redactForeign('value Foreign-Pw.'), 'value ***.');
  assert.is(redactForeign('xForeign-Pw and Foreign-Pwx'), 'xForeign-Pw and Foreign-Pwx', 'not inside a longer token');
  assert.is(redactForeign('could not connect to postgres://postgres:anything@h/db'), 'could not connect to postgres://postgres:***@h/db', 'any URL password, known or not; the scheme stays');
  assert.is(redactForeign('connect ECONNREFUSED 127.0.0.1:1'), 'connect ECONNREFUSED 127.0.0.1:1', 'a password "1" is not a token of an address');
  assert.is(redactForeign('database "edb" does not exist'), 'database "edb" does not exist');
  assert.is(redactForeign('conninfo: host=h password=whatever'), 'conninfo: host=h password=***');
});

test.run();
