// Compares the schema before an up with the schema after its down. Pure.
import type { SchemaObject, Snapshot } from './snapshot.js';

export interface Difference {
  change: 'left' | 'removed' | 'changed' | 'order';
  kind: string;
  name: string;
  message: string;
}

const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}…` : s);

/**
 * What differs, one entry per object. An object whose table is itself left behind or removed
 * is not listed again (dropping a table takes its columns and indexes with it).
 */
export function compareSnapshots(before: Snapshot, after: Snapshot): Difference[] {
  const out: Difference[] = [];
  const gone = (o: SchemaObject, other: Snapshot) => o.parent !== undefined && !other.objects.has(`table ${o.parent}`) && !other.objects.has(`view ${o.parent}`) && !other.objects.has(`materialized view ${o.parent}`);
  for (const [key, a] of after.objects) {
    const b = before.objects.get(key);
    if (!b) {
      if (!gone(a, before)) out.push({ change: 'left', kind: a.kind, name: a.name, message: `${a.kind} ${a.name} still exists after down` });
    } else if (a.definition !== b.definition) {
      out.push({ change: 'changed', kind: a.kind, name: a.name, message: `${a.kind} ${a.name} differs after down: ${clip(b.definition)} → ${clip(a.definition)}` });
    }
  }
  for (const [key, b] of before.objects) {
    if (after.objects.has(key) || gone(b, after)) continue;
    out.push({ change: 'removed', kind: b.kind, name: b.name, message: `${b.kind} ${b.name} no longer exists after down` });
  }
  for (const [table, cols] of before.columns) {
    const now = after.columns.get(table);
    if (!now) continue;
    // Only the columns both sides have: a missing or extra column is reported on its own.
    const common = new Set(cols.filter((c) => now.includes(c)));
    const was = cols.filter((c) => common.has(c));
    const is = now.filter((c) => common.has(c));
    if (was.join('\0') !== is.join('\0')) {
      out.push({ change: 'order', kind: 'table', name: table, message: `columns of ${table} are in another order after down: (${was.join(', ')}) → (${is.join(', ')})` });
    }
  }
  return out;
}
