// The three outputs of `check`: for people (grouped by file, colour on a terminal), JSON, and
// GitHub workflow annotation lines (::error file=…,line=…::…).
import { countBySeverity, groupByFile, sortFindings, where, type Finding } from './findings.js';

/** The round trip's findings by kind, for the summary. */
export interface DefectCounts {
  /** An up failed (first run, or run again after its down). */
  upFails: number;
  downFails: number;
  /** A down that dropped or changed what was there before the up (a constraint, NOT NULL, index, default). */
  notRestored: number;
  /** A down that left something its up created. */
  leftovers: number;
  /** Only a column's position differs (a warning). */
  columnOrder: number;
}

export interface RoundtripSummary {
  /** Where it ran, e.g. pglite:memory. */
  database?: string;
  checked?: number;
  skipped?: { revision: string; reason: string }[];
  defects?: DefectCounts;
  /** Why it did not run at all. */
  notRun?: string;
}

export interface CheckReport {
  ok: boolean;
  errors: number;
  warnings: number;
  files: number;
  revisions: number;
  findings: Finding[];
  roundtrip?: RoundtripSummary;
}

export type Format = 'human' | 'json' | 'github';

export function makeReport(findings: Finding[], files: number, revisions: number, roundtrip?: RoundtripSummary): CheckReport {
  const { errors, warnings } = countBySeverity(findings);
  return { ok: errors === 0, errors, warnings, files, revisions, findings: sortFindings(findings), ...(roundtrip ? { roundtrip } : {}) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function paint(color: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

function formatHuman(r: CheckReport, color: boolean): string {
  const c = paint(color);
  const lines: string[] = [];
  for (const [file, group] of groupByFile(r.findings)) {
    lines.push(c.bold(file));
    for (const f of group) {
      const severity = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      lines.push(`  ${where(f)}  ${severity}  ${c.dim(f.rule)}`, `    ${f.message}`, `    ${c.dim(`fix: ${f.fix}`)}`);
    }
    lines.push('');
  }
  const checked = `${plural(r.files, 'file')} of ${plural(r.revisions, 'revision')} checked`;
  if (r.findings.length === 0) lines.push(c.green(`✔ No problems: ${checked}.`));
  else {
    const summary = `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')} (${checked})`;
    lines.push(r.errors > 0 ? c.red(`✖ ${summary}`) : c.yellow(`! ${summary}`));
  }
  const rt = r.roundtrip;
  if (rt?.notRun) lines.push(`Round trip not run: ${rt.notRun}`);
  else if (rt) {
    lines.push(`Round trip on ${rt.database}: ${plural(rt.checked ?? 0, 'revision')} went up, down and up again.`);
    const d = rt.defects;
    if (d) {
      const kinds = [
        [d.upFails, 'up failed', 'ups failed'],
        [d.downFails, 'down failed', 'downs failed'],
        [d.notRestored, 'thing a down did not restore', 'things downs did not restore'],
        [d.leftovers, 'leftover of an up', 'leftovers of ups'],
        [d.columnOrder, 'column order only', 'column orders only'],
      ] as const;
      const found = kinds.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
      const skipped = rt.skipped?.length ?? 0;
      lines.push(`  defects: ${found.length > 0 ? found.join(', ') : 'none'}${skipped > 0 ? `; ${plural(skipped, 'revision')} not round-tripped` : ''}.`);
    }
    for (const s of rt.skipped ?? []) lines.push(c.dim(`  not round-tripped: ${s.revision}: ${s.reason}`));
  }
  return lines.join('\n');
}

/** GitHub's workflow-command escaping: data and property values differ. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function formatGithub(r: CheckReport): string {
  const lines = r.findings.map((f) => {
    const props = [`file=${escapeProperty(f.file)}`];
    if (f.line !== undefined) props.push(`line=${f.line}`);
    if (f.column !== undefined) props.push(`col=${f.column}`);
    props.push(`title=${escapeProperty(`pgstrata ${f.rule}`)}`);
    return `::${f.severity} ${props.join(',')}::${escapeData(`${f.message}. Fix: ${f.fix}`)}`;
  });
  lines.push(`pgstrata check: ${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')} in ${plural(r.files, 'file')}.`);
  return lines.join('\n');
}

export function formatReport(r: CheckReport, format: Format, color: boolean): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  if (format === 'github') return formatGithub(r);
  return formatHuman(r, color);
}
