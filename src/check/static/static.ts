// `check` without a database: everything the runner validates, PostgreSQL's parser over every
// up and down file, and the rule families — every problem in one run.
import { join } from 'node:path';
import { RevisionGraph } from '../../runner/graph/graph.js';
import type { History } from '../../runner/graph/history.js';
import type { Problem } from '../../runner/util/errors.js';
import { displayPath, inspectDown, scanSource, type Migration } from '../../runner/source/source.js';
import { parseStatements, type ParsedStatement } from '../../runner/util/sqlparse.js';
import { hasStatement } from '../../runner/source/sqltext.js';
import { ruleInfo } from '../findings/catalog.js';
import { checkFile, type ParsedFile } from './file.js';
import { finding, type Finding } from '../findings/findings.js';
import { TableHistory } from '../model/tables.js';

export interface StaticResult {
  findings: Finding[];
  /** Up and down files read. */
  files: number;
  revisions: number;
  /** The history, when its graph could be built (for the round trip). */
  runnable?: History;
  /** Up and down files with an error that stops them from running (a syntax error, say): the round trip does not run them. */
  broken: Set<string>;
}

/** A runner Problem as a finding: its hint, when it has one, is the fix. */
function fromProblem(p: Problem, rule: string, revision?: string): Finding {
  return finding(rule, p, p.message, { fix: p.hint, revision });
}

/** Parses a file; a syntax error becomes a finding and the file gets no further rules. */
async function parse(text: string, file: string, findings: Finding[], revision?: string): Promise<ParsedStatement[] | undefined> {
  const r = await parseStatements(text, file);
  if (r.ok) return r.statements;
  findings.push(fromProblem(r.problem, 'syntax-error', revision));
  return undefined;
}

/**
 * The heads when the graph could not be built (a dangling parent, a cycle): among the revisions
 * whose ancestry is all defined, those no revision names as a parent. A revision below a broken
 * link is left out, since where it belongs is unknown.
 */
function headsWithoutGraph(byRevision: Map<string, Migration>): string[] {
  // Kahn's walk from the roots: a revision is sound once all its parents are. One below a
  // missing parent or on a cycle never gets there.
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  const ready: string[] = [];
  for (const m of byRevision.values()) {
    waiting.set(m.revision, m.parents.length);
    if (m.parents.length === 0) ready.push(m.revision);
    for (const p of m.parents) {
      const list = children.get(p);
      if (list) list.push(m.revision);
      else children.set(p, [m.revision]);
    }
  }
  const sound = new Set<string>();
  for (let r = ready.pop(); r !== undefined; r = ready.pop()) {
    sound.add(r);
    for (const c of children.get(r) ?? []) {
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return [...sound].filter((r) => !children.has(r)).sort();
}

function headFindings(heads: string[], byRevision: Map<string, Migration>): Finding[] {
  if (heads.length < 2) return [];
  const fix = `Run \`pgstrata merge heads\`: it writes a merge revision whose header says \`-- down_revision: ${heads.join(', ')}\`.`;
  return heads.map((h) =>
    finding('multiple-heads', { file: byRevision.get(h)!.upFile, line: 1 }, `${heads.length} heads (${heads.join(', ')}): ${h} and ${heads.filter((x) => x !== h).join(', ')} were branched from the history and never merged`, { fix, revision: h }),
  );
}

export async function checkStatic(dir: string): Promise<StaticResult> {
  const scan = scanSource(dir);
  // A blank up file lacks its header too; one finding says what is wrong with it.
  const blank = new Set([...scan.rejected].filter(([, text]) => text.trim() === '').map(([file]) => file));
  const findings: Finding[] = scan.problems.filter((p) => !blank.has(p.file)).map((p) => fromProblem(p, p.code ?? 'invalid-file'));
  for (const file of blank) findings.push(finding('empty-migration', { file }, 'up file is empty: no header, no SQL', { fix: 'Write its header (`-- revision:`, `-- down_revision:`) and its SQL, or delete it.' }));
  const byRevision = new Map(scan.migrations.map((m) => [m.revision, m]));
  const built = RevisionGraph.build(scan.migrations, (r) => byRevision.get(r)!.upFile);
  findings.push(...built.problems.map((p) => fromProblem(p, 'invalid-graph')));
  // Every problem in one run: several heads are worth saying next to a broken link elsewhere.
  findings.push(...headFindings(built.graph ? built.graph.heads() : headsWithoutGraph(byRevision), byRevision));
  const order = built.graph?.order ?? [...byRevision.keys()].sort();

  const files: ParsedFile[] = [];
  let fileCount = scan.migrations.length + scan.rejected.size;
  for (const revision of order) {
    const m = byRevision.get(revision)!;
    const base = { revision, ...(m.lockTimeout ? { lockTimeout: m.lockTimeout } : {}) };
    // An up with no statement is an empty-migration already (an unclosed comment is no statement either).
    const up = !hasStatement(m.sql) ? [] : await parse(m.sql, m.upFile, findings, revision);
    if (up) files.push({ ...base, file: m.upFile, side: 'up', text: m.sql, statements: up, transactional: m.transactional });
    const down = inspectDown(m);
    findings.push(...down.problems.map((p) => fromProblem(p, p.code ?? 'invalid-file', revision)));
    if (!down.script) continue;
    fileCount++;
    if (down.script.empty === 'unmarked') {
      findings.push(fromProblem({ file: down.script.file, message: `the down file of ${revision} has no SQL statement: \`up\` runs, but \`down\` stops before reverting ${revision}` }, 'empty-down', revision));
    }
    // A file with nothing in it has nothing to parse (and a zero-byte one is no syntax error).
    const statements = !hasStatement(down.script.sql) ? [] : await parse(down.script.sql, down.script.file, findings, revision);
    if (statements) files.push({ ...base, file: down.script.file, side: 'down', text: down.script.sql, statements, transactional: down.script.transactional });
  }
  // Files whose header kept them out of the history still get PostgreSQL's opinion of their SQL.
  for (const [file, text] of scan.rejected) if (hasStatement(text)) await parse(text, file, findings);

  // The ups in graph order: which tables each file may count as existing.
  const tables = TableHistory.build(files.filter((f) => f.side === 'up').map((f) => ({ ...f, parents: byRevision.get(f.revision)!.parents })));
  for (const f of files) findings.push(...checkFile(f, tables));

  // A file that cannot run is skipped by the round trip (and one with a broken up, its descendants
  // too); the rest of the history is still checked, so one run finds every defect.
  const broken = new Set(findings.filter((f) => ruleInfo(f.rule).fixed).map((f) => f.file));
  const runnable: History | undefined = built.graph ? { migrations: byRevision, graph: built.graph, upDir: displayPath(join(dir, 'up')) } : undefined;
  return { findings, files: fileCount, revisions: scan.migrations.length, broken, ...(runnable ? { runnable } : {}) };
}
