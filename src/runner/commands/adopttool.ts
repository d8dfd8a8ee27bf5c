// `stamp --from TOOL`: adopt a database that golang-migrate, dbmate, goose, sql-migrate or Flyway
// brought to some version. Each tool's own version table says what it applied; the manifest that
// `pgstrata import` wrote (import-manifest.json in the migrations folder) says which revision each
// of its migrations became. The revisions are recorded as applied without running SQL, only
// adding rows; the tool's table is left as it is.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refuseDirty } from '../apply/dirty.js';
import { toDbError } from '../apply/pgerror.js';
import { SourceError, UsageError } from '../util/errors.js';
import { quoteIdent } from '../util/sqlstring.js';
import type { Engine } from '../engines/engine.js';
import type { Runner, RunResult } from './runner.js';
import { writeStamp } from './stamp.js';

export const TOOL_TABLES = { 'golang-migrate': 'schema_migrations', dbmate: 'schema_migrations', goose: 'goose_db_version', 'sql-migrate': 'gorp_migrations', flyway: 'flyway_schema_history' } as const;
export type Tool = keyof typeof TOOL_TABLES;

export interface ToolAdoptResult extends RunResult {
  tool: Tool;
  table: string;
  /** What the tool's table says is applied, as it records it. */
  versions: string[];
}

function qualified(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`--from-table "${name}": write table or schema.table`);
  return parts.map(quoteIdent).join('.');
}

/** Digit strings compared as numbers ("007" is 7). */
const num = (v: string) => v.replace(/^0+(?=\d)/, '');

/** The versions the tool's table says are applied, as the tool writes them. */
async function appliedVersions(engine: Engine, tool: Tool, table: string): Promise<string[]> {
  const t = qualified(table);
  switch (tool) {
    case 'golang-migrate': {
      const rows = await engine.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${t}`);
      const row = rows[0];
      if (!row) return [];
      if (row.dirty) throw new UsageError(`${table} says version ${row.version} is dirty: golang-migrate stopped part-way through it. Finish or undo it by hand, run \`migrate force ${row.version}\` (or the version before it), then stamp. Nothing was recorded.`);
      return [`<=${row.version}`];
    }
    case 'dbmate':
      return (await engine.query<{ version: string }>(`SELECT version::text AS version FROM ${t} ORDER BY version`)).map((r) => r.version);
    case 'goose': {
      // goose appends a row per up and per down; the newest row of a version says where it stands.
      const rows = await engine.query<{ version_id: string; is_applied: boolean }>(`SELECT version_id::text AS version_id, is_applied FROM ${t} ORDER BY id`);
      const state = new Map<string, boolean>();
      for (const r of rows) if (r.version_id !== '0') state.set(r.version_id, r.is_applied);
      return [...state].filter(([, applied]) => applied).map(([v]) => v);
    }
    case 'sql-migrate':
      return (await engine.query<{ id: string }>(`SELECT id FROM ${t} ORDER BY id`)).map((r) => r.id);
    case 'flyway': {
      const rows = await engine.query<{ version: string | null; type: string; success: boolean; script: string }>(`SELECT version, type, success, script FROM ${t} ORDER BY installed_rank`);
      const failed = rows.find((r) => !r.success);
      if (failed) throw new UsageError(`${table} records a failed migration (${failed.script}, version ${failed.version ?? 'repeatable'}): run \`flyway repair\` once the database is sound, then stamp. Nothing was recorded.`);
      const applied = new Set<string>();
      for (const r of rows) {
        if (r.version === null) continue;
        if (r.type === 'UNDO_SQL') applied.delete(r.version);
        else if (r.type === 'BASELINE') applied.add(`<=${r.version}`);
        else if (r.type !== 'SCHEMA' && r.type !== 'DELETE') applied.add(r.version);
      }
      return [...applied];
    }
  }
}

interface ManifestRow {
  revision: string;
  recorded_as: string;
}

/** recorded_as -> revision, from import-manifest.json, or from the revision ids themselves. */
function mapping(dir: string, tool: Tool, revisions: string[]): { map: Map<string, string>; ordered: ManifestRow[]; from: string } {
  const path = join(dir, 'import-manifest.json');
  if (existsSync(path)) {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { format?: string; revisions?: ManifestRow[] };
    if (manifest.format !== tool) throw new UsageError(`${path} says the history was imported from ${manifest.format}, not ${tool}: stamp --from ${manifest.format}, or import the ${tool} history`);
    const ordered = manifest.revisions ?? [];
    return { map: new Map(ordered.map((r) => [tool === 'sql-migrate' || tool === 'flyway' ? r.recorded_as : num(r.recorded_as), r.revision])), ordered, from: path };
  }
  // Without a manifest the revision ids must be the versions (as `import` writes them).
  const ordered = revisions.map((r) => ({ revision: r, recorded_as: r }));
  return { map: new Map(ordered.map((r) => [/^\d+$/.test(r.revision) ? num(r.revision) : r.revision, r.revision])), ordered, from: 'the revision ids' };
}

export async function stampFromTool(runner: Runner, tool: Tool, options: { table?: string; dryRun?: boolean } = {}): Promise<ToolAdoptResult> {
  const table = options.table ?? TOOL_TABLES[tool];
  const history = runner.history();
  return runner.session(history, !options.dryRun, async (s) => {
    refuseDirty(s.dirty, `stamp --from ${tool}`);
    let versions: string[];
    try {
      versions = await appliedVersions(runner.engine, tool, table);
    } catch (e) {
      const err = toDbError(e);
      if (err.sqlstate === '42P01') throw new UsageError(`there is no table ${table} in ${runner.engine.description}, so there is no ${tool} position to adopt. If ${tool} used another table, name it with --from-table schema.table.`, { cause: e });
      if (err.sqlstate === '42703') throw new UsageError(`${table} does not have the columns ${tool} writes: is it ${tool}'s version table? (${err.message})`, { cause: e });
      throw e;
    }
    const { map, ordered, from } = mapping(runner.dir, tool, [...s.graph.sort(history.migrations.keys())]);
    const key = (v: string) => (tool === 'sql-migrate' || tool === 'flyway' ? v : num(v));
    const wanted = new Set<string>();
    const unknown: string[] = [];
    for (const v of versions) {
      if (v.startsWith('<=')) {
        // golang-migrate's one row and Flyway's baseline: that version and every one before it.
        const upto = v.slice(2);
        const at = ordered.findIndex((r) => key(r.recorded_as) === key(upto));
        if (at < 0) unknown.push(upto);
        else for (const r of ordered.slice(0, at + 1)) wanted.add(r.revision);
        continue;
      }
      const revision = map.get(key(v));
      if (revision && s.graph.has(revision)) wanted.add(revision);
      else unknown.push(v);
    }
    if (unknown.length > 0) {
      throw new SourceError(
        unknown.map((v) => ({ file: from, message: `${table} says ${tool} applied ${v}, but no revision comes from it`, hint: `Import the ${tool} folder that has it (\`pgstrata import --from ${tool}\`), then run this again. Nothing was recorded.` })),
        `cannot adopt: ${unknown.length} version${unknown.length === 1 ? '' : 's'} from ${table} missing from the files`,
      );
    }
    // pgstrata's history is one line: a version the tool skipped below one it applied cannot be stamped around.
    const gaps = s.graph.sort([...s.graph.ancestors([...wanted])].filter((r) => !wanted.has(r) && !s.appliedSet.has(r)));
    if (gaps.length > 0) throw new UsageError(`${table} has later versions applied but not ${gaps.join(', ')}: ${tool} ran them out of order, and pgstrata's history is one line. Apply ${gaps.length === 1 ? 'it' : 'them'} with ${tool} first (or by hand), then stamp. Nothing was recorded.`);
    const add = [...wanted].filter((r) => !s.appliedSet.has(r));
    const result = await writeStamp(runner, s, add, [], !!options.dryRun);
    return { ...result, tool, table, versions: versions.map((v) => v.replace(/^<=/, '')) };
  });
}
