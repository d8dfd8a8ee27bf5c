// A pooler in transaction or statement mode (PgBouncer's pool_mode = transaction) hands each
// transaction to whichever server session is free, so a session advisory lock taken in one call
// protects nothing in the next, and two runners can both "hold" it. pgstrata refuses such a
// connection before taking the lock; a pooler in session mode is fine.
//
// The check costs one round trip on a direct connection: there the server's own pid arrives in
// BackendKeyData at connect time and equals pg_backend_pid(). A pooler answers the handshake
// itself with a made-up key, so a mismatch means one sits in between; then a second, short
// connection asks for its backend pid. A pooler that shares server sessions gives it the one this
// client just released (PgBouncer reuses the most recently used server connection), or moves this
// client to another; a session pooler does neither.
import { SessionPoolingError } from '../util/errors.js';

export interface PidSource {
  /** The pid the server (or a pooler) announced when this client connected. */
  announcedPid: number | null;
  backendPid(): Promise<number>;
  /** Opens a second connection to the same place, reads its backend pid, and closes it. */
  probeBackendPid(): Promise<number>;
}

/**
 * Rounds of (probe, pid again) behind a pooler. While other clients are busy, one round can miss
 * a sharing pool: another client takes the session the probe would have been given, and this
 * client gets its own back. A runner that slipped through would take the lock on a server session
 * it cannot release it from, so it looks three times (session mode: three short connections).
 */
const ROUNDS = 3;

export async function assertSessionPinned(source: PidSource, description: string): Promise<void> {
  const first = await source.backendPid();
  if (source.announcedPid === first) return;
  let seen: string | undefined;
  for (let round = 0; round < ROUNDS && !seen; round++) {
    const other = await source.probeBackendPid();
    const again = await source.backendPid();
    if (other === first) seen = `server session ${first} served this connection and then another client`;
    else if (again !== first) seen = `this connection moved from server session ${first} to ${again} between two calls`;
  }
  if (!seen) return;
  throw new SessionPoolingError(
    `${description} goes through a pooler that shares server sessions between clients (PgBouncer in transaction or statement pool mode?): ${seen}. ` +
      'pgstrata holds a session advisory lock for the whole run and needs one server session for it. Connect to PostgreSQL directly, or through a pool in session mode. Nothing was applied.',
  );
}
