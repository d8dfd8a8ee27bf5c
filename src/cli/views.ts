// Plain-text views of history and status.
import type { History } from '../runner/graph/history.js';
import { describeDirty, resolveAdvice } from '../runner/apply/dirty.js';
import { describeHolder } from '../runner/store/lock.js';
import type { StatusReport } from '../runner/commands/status.js';
import { invalidIndexAdvice } from './output.js';

/** Alembic's layout, newest first: `parents -> revision (head), message`. */
export function historyLines(history: History, shown?: ReadonlySet<string>): string[] {
  const { graph, migrations } = history;
  return [...graph.order].reverse().filter((r) => !shown || shown.has(r)).map((r) => {
    const parents = graph.parents(r);
    const tags = [graph.children(r).length === 0 ? 'head' : '', parents.length > 1 ? 'merge' : '', graph.children(r).length > 1 ? 'branchpoint' : ''].filter(Boolean);
    return `${parents.length > 0 ? parents.join(', ') : '<base>'} -> ${r}${tags.length ? ` (${tags.join(', ')})` : ''}, ${migrations.get(r)!.message}`;
  });
}

export function statusLines(s: StatusReport): string[] {
  const width = Math.max(0, ...s.revisions.map((r) => r.message.length));
  const lines = [
    `database  ${s.database}`,
    `table     ${s.versionTable}`,
    `current   ${s.current.join(', ') || 'base (nothing applied)'}`,
    `heads     ${s.heads.join(', ') || '(no revisions)'}`,
    '',
  ];
  for (const r of s.revisions) {
    const mark = r.drift ? '[!]' : r.applied ? '[x]' : r.dirty ? '[~]' : '[ ]';
    let state = r.dirty ? `DIRTY (${r.dirty.state})` : r.applied ? `applied ${r.appliedAt?.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} by ${r.appliedBy}${r.durationMs != null ? ` in ${r.durationMs} ms` : ''}` : 'pending';
    if (r.drift === 'changed') state += ' - FILE CHANGED since it was applied';
    if (r.drift === 'missing') state += ' - FILE MISSING';
    if (r.empty) state += ` - EMPTY: no SQL yet in ${r.empty.join(', ')}`;
    lines.push(`${mark} ${r.revision}  ${r.message.padEnd(width)}  ${state}`);
  }
  const applied = s.revisions.filter((r) => r.applied).length;
  const empty = s.revisions.filter((r) => r.empty).length;
  lines.push('', `${applied} applied, ${s.pending.length} pending${s.dirty.length ? `, ${s.dirty.length} dirty` : ''}${s.drift.length ? `, ${s.drift.length} drifted (up will refuse to run)` : ''}${empty ? `, ${empty} empty (fill ${empty === 1 ? 'it' : 'them'} in before up)` : ''}.`);
  for (const g of s.gaps) lines.push(`warning: ${g.missing} is not applied but its child ${g.appliedChild} is`);
  for (const d of s.dirty) {
    lines.push(`dirty: ${describeDirty(d)}`);
    if (d.statement) lines.push(`  statement ${d.statementsDone + 1}: ${firstLine(d.statement, 100)}`);
    for (const index of d.invalidIndexes) lines.push(`  ${invalidIndexAdvice(index, d.direction, d.resumeRebuilds)}`);
    if (d.state === 'running' && s.lockHolder !== undefined) {
      lines.push(s.lockHolder ? `  the migration lock is held by ${describeHolder(s.lockHolder)}: it may still be running` : '  no runner holds the migration lock: the run was interrupted');
    }
  }
  if (s.dirty.length > 0) {
    const d = s.dirty[0]!;
    lines.push(`up refuses to run until you continue it (\`pgstrata ${d.direction} --resume\`) or resolve it: ${resolveAdvice(d.revision, d.direction)}.`);
  }
  return lines;
}

/** The first non-blank line of a statement, cut at `width` characters; an ellipsis says there is more. */
function firstLine(sql: string, width: number): string {
  const lines = sql.trim().split(/\r?\n/);
  const first = lines[0]!.trim();
  const cut = first.length > width ? `${first.slice(0, width - 1)}…` : first;
  return lines.length > 1 && cut === first ? `${cut} …` : cut;
}
