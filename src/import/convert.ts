// Source migrations (in the tool's order) -> pgstrata's files and the manifest. Pure. The result is
// one line of history: each revision's parent is the one before it, as the tool applied them.
import { slugify } from '../runner/commands/scaffold.js';
import type { ImportFormat, SourceMigration, SourceSide } from './model.js';

export interface ImportedFile {
  /** Relative to OUT: up/<revision>_<slug>.sql or down/… */
  path: string;
  text: string;
}

export interface ManifestEntry {
  revision: string;
  down_revision: string | null;
  /** The version as the file name writes it, and as the tool records it in its own table. */
  version: string;
  recorded_as: string;
  source_files: string[];
  up: string;
  down: string;
  transaction: { up: boolean; down: boolean };
  /** Why a side runs outside a transaction when the tool does not say so per file. */
  inferred?: string[];
  /** The source has no down for it: the down file is empty (see docs/adopting.md, "Empty downs"). */
  no_down?: true;
}

export interface Manifest {
  format: ImportFormat;
  source: string;
  revisions: ManifestEntry[];
}

/** Revision ids are 1–64 letters and digits: a version's other characters become `p` (Flyway 1.2 -> 1p2). */
function baseId(m: SourceMigration, format: ImportFormat): string {
  const raw = format === 'flyway' ? m.recordedAs : m.version;
  return (raw.replace(/[^0-9A-Za-z]+/g, 'p').replace(/^p+|p+$/g, '') || 'r').slice(0, 60);
}

/** Distinct ids in order: a base that several migrations share gets a, b, c … after it. */
export function revisionIds(list: SourceMigration[], format: ImportFormat): string[] {
  const bases = list.map((m) => baseId(m, format));
  const count = new Map<string, number>();
  for (const b of bases) count.set(b, (count.get(b) ?? 0) + 1);
  const next = new Map<string, number>();
  const used = new Set<string>();
  return bases.map((b) => {
    if (count.get(b) === 1 && !used.has(b)) return used.add(b), b;
    let id: string;
    do {
      const n = next.get(b) ?? 0;
      next.set(b, n + 1);
      id = `${b}${suffix(n)}`;
    } while (used.has(id));
    used.add(id);
    return id;
  });
}

/** 0 -> a, 25 -> z, 26 -> ba … */
function suffix(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

function origin(format: ImportFormat, m: SourceMigration, side: 'up' | 'down'): string {
  const file = side === 'down' && m.files.length > 1 ? m.files[1]! : m.files[0]!;
  return `-- imported from ${format}: ${file} (version ${m.version})`;
}

function body(sql: string): string {
  const text = sql.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

export function convert(list: SourceMigration[], format: ImportFormat, source: string): { files: ImportedFile[]; manifest: Manifest } {
  const ids = revisionIds(list, format);
  const files: ImportedFile[] = [];
  const revisions: ManifestEntry[] = [];
  list.forEach((m, i) => {
    const revision = ids[i]!;
    const parent = i === 0 ? null : ids[i - 1]!;
    const name = `${revision}_${slugify(m.name || m.version)}.sql`;
    const down: SourceSide = m.down ?? { sql: '', transactional: m.up.transactional };
    const header = [`-- revision: ${revision}`, `-- down_revision: ${parent ?? 'none'}`, `-- message: ${(m.name || `version ${m.version}`).replace(/\s+/g, ' ')}`];
    if (!m.up.transactional) header.push('-- transaction: none');
    files.push({ path: `up/${name}`, text: `${header.join('\n')}\n\n${origin(format, m, 'up')}\n${body(m.up.sql)}` });
    const downNote = m.down ? origin(format, m, 'down') : `-- imported from ${format}: ${m.files[0]} has no down (version ${m.version})`;
    files.push({ path: `down/${name}`, text: `${down.transactional ? '' : '-- transaction: none\n\n'}${downNote}\n${body(down.sql)}` });
    const inferred = [m.up.inferred && `up: ${m.up.inferred}`, m.down?.inferred && `down: ${m.down.inferred}`].filter((x): x is string => Boolean(x));
    revisions.push({
      revision,
      down_revision: parent,
      version: m.version,
      recorded_as: m.recordedAs,
      source_files: m.files,
      up: `up/${name}`,
      down: `down/${name}`,
      transaction: { up: m.up.transactional, down: down.transactional },
      ...(inferred.length > 0 ? { inferred } : {}),
      ...(m.down ? {} : { no_down: true as const }),
    });
  });
  return { files, manifest: { format, source, revisions } };
}
