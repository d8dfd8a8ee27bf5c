// How a failed step tells a dead session from a failed statement: the first cannot be rolled back
// or logged, and must not be mistaken for a COMMIT inside the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionLost } from '../src/runner/apply/apply.js';

test('the server ending the session is known to have rolled back', () => {
  assert.is(sessionLost({ sqlstate: '57P01', message: 'terminating connection due to administrator command' }), 'server');
  assert.is(sessionLost({ sqlstate: '57P02', message: 'terminating connection because of crash of another server process' }), 'server');
  assert.is(sessionLost({ sqlstate: '08006', message: 'connection failure' }), 'server');
});

test('a connection that just closed leaves the COMMIT unknown', () => {
  assert.is(sessionLost({ message: 'Connection terminated unexpectedly' }), 'unknown');
  assert.is(sessionLost({ message: 'read ECONNRESET' }), 'unknown');
});

test('an ordinary failure is not a lost session', () => {
  assert.is(sessionLost({ sqlstate: '42703', message: 'column "x" does not exist' }), undefined);
  assert.is(sessionLost({ sqlstate: '57014', message: 'canceling statement due to statement timeout' }), undefined);
  assert.is(sessionLost({ message: 'syntax error' }), undefined);
});

test.run();
