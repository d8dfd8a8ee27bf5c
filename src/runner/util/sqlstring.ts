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

/**
 * Replaces $1..$n with literals in one of pgstrata's own statements. Placeholders inside quoted
 * identifiers and string literals are left alone: a table named --table 'v$3' is spelled inside
 * the statement, and substituting there would splice a value into the SQL text.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  // Copies the text between quotes and placeholders in slices: this runs once per migration.
  const special = /["'$]/g;
  let out = '';
  let i = 0;
  for (let m = special.exec(sql); m !== null; m = special.exec(sql)) {
    const at = m.index;
    if (at < i) continue;
    const c = sql[at]!;
    if (c === '$') {
      const digits = /^\$(\d+)/.exec(sql.slice(at, at + 12));
      if (!digits) continue;
      out += sql.slice(i, at) + literal(params[Number(digits[1]) - 1]);
      i = at + digits[0].length;
      special.lastIndex = i;
      continue;
    }
    const escapes = c === "'" && /[Ee]/.test(sql[at - 1] ?? '');
    let j = at + 1;
    for (; j < sql.length; j++) {
      if (escapes && sql[j] === '\\') j++;
      else if (sql[j] === c) {
        if (sql[j + 1] === c) j++;
        else break;
      }
    }
    out += sql.slice(i, j + 1);
    i = j + 1;
    special.lastIndex = i;
  }
  return out + sql.slice(i);
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (Array.isArray(v)) return quoteLiteral(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return quoteLiteral(String(v));
}

/** PostgreSQL truncates identifiers to 63 bytes; a silently different name would split the lock and the table. */
export function checkIdentifier(kind: string, name: string, maxBytes = 63): string {
  if (name.length === 0) throw new UsageError(`--${kind} must not be empty`);
  if (name.includes('\0')) throw new UsageError(`--${kind} must not contain a NUL character`);
  if (Buffer.byteLength(name) > maxBytes) throw new UsageError(`--${kind} "${name}" is longer than ${maxBytes} bytes; PostgreSQL would truncate it`);
  return name;
}
