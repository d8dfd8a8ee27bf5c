// Quoting for the few places where values must be inlined into a script (one round trip per
// migration). Everywhere else values travel as parameters.
import { UsageError } from './errors.js';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A string literal that means the same whether standard_conforming_strings is on or off:
 * the E'' form with quotes and backslashes doubled.
 */
export function quoteLiteral(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Replaces $1..$n with literals; only for pgstrata's own statements, which hold no other `$`. */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
    if (Array.isArray(v)) return quoteLiteral(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
    return quoteLiteral(String(v));
  });
}

/** PostgreSQL truncates identifiers to 63 bytes; a silently different name would split the lock and the table. */
export function checkIdentifier(kind: string, name: string, maxBytes = 63): string {
  if (name.length === 0) throw new UsageError(`--${kind} must not be empty`);
  if (name.includes('\0')) throw new UsageError(`--${kind} must not contain a NUL character`);
  if (Buffer.byteLength(name) > maxBytes) throw new UsageError(`--${kind} "${name}" is longer than ${maxBytes} bytes; PostgreSQL would truncate it`);
  return name;
}
