// The scratch database trace runs on when --url names a server: a copy of that database made by
// CREATE DATABASE … TEMPLATE, so the migrations meet its real tables and rows, and dropped after,
// whatever happens (a Ctrl-C too). The real database is never connected to: the copy is made from
// a maintenance database, and the applied revisions are read from the copy.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../runner/engines/engine.js';
import { openEngine } from '../runner/engines/open.js';
import { ConnectError, UsageError } from '../runner/util/errors.js';
import { redactUrl } from '../runner/util/redact.js';
import { quoteIdent } from '../runner/util/sqlstring.js';
import { onInterrupt } from '../check/roundtrip/interrupt.js';
import { dropDatabase, withDatabase, type Scratch } from '../check/roundtrip/scratch.js';

const NO_WAIT = { lockTimeoutMs: 0 };

/** The database a URL names (libpq's default: the user's name, else postgres). */
export function databaseOf(url: string): string {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return name || decodeURIComponent(u.username) || process.env.PGDATABASE || process.env.PGUSER || 'postgres';
}

/** Why CREATE DATABASE … TEMPLATE failed, and what to do, in words. */
export function copyFailure(e: unknown, source: string, where: string): string {
  const o = e as { code?: string; message?: string; detail?: string };
  if (o.code === '55006') {
    return `cannot copy the database ${source} on ${where}: ${o.message}${o.detail ? ` (${o.detail})` : ''}. A template copy needs no other session connected to ${source}: stop the applications and consoles connected to it (SELECT pid, application_name FROM pg_stat_activity WHERE datname = '${source}' lists them), or point --url at a staging copy or a restored backup, or leave --url out to trace on an in-memory PGlite.`;
  }
  if (o.code === '42501') return `cannot copy the database ${source} on ${where}: ${o.message}. The user in --url needs CREATEDB (ALTER ROLE … CREATEDB); or leave --url out to trace on an in-memory PGlite.`;
  return `cannot copy the database ${source} on ${where}: ${o.message ?? String(e)}`;
}

export async function openTemplateCopy(url: string): Promise<Scratch> {
  if (!/^postgres(ql)?:\/\/./.test(url)) {
    throw new UsageError(`trace copies the database --url names, so it must be postgres://…; or leave --url out to trace on an in-memory PGlite; "${redactUrl(url)}" is not a postgres:// URL`);
  }
  const source = databaseOf(url);
  // Connected to another database: a session on the source would make the copy fail.
  const admin = await openEngine(withDatabase(url, source === 'postgres' ? 'template1' : 'postgres'), NO_WAIT);
  const copy = `pgstrata_trace_${randomBytes(6).toString('hex')}`;
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdent(copy)} TEMPLATE ${quoteIdent(source)}`);
  } catch (e) {
    await admin.close().catch(() => {});
    throw new ConnectError(copyFailure(e, source, admin.description.replace(/\/[^/]*$/, '')), { cause: e });
  }
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= dropDatabase(admin, copy));
  const stopListening = onInterrupt(`dropping the scratch copy ${copy}`, drop);
  const finish = () => drop().finally(() => (stopListening(), admin.close()));
  const copyUrl = withDatabase(url, copy);
  let engine: Engine;
  try {
    engine = await openEngine(copyUrl, NO_WAIT);
  } catch (e) {
    await finish();
    throw e;
  }
  return {
    engine,
    url: copyUrl,
    async dispose() {
      await engine.close().catch(() => {});
      await finish();
    },
  };
}
