// One parser per source tool: which files are migrations, in what order the tool applies them,
// and what each file's up and down are. File names and annotations follow each tool's own
// documentation; whatever a tool would refuse (or silently skip) is refused here, naming the file.
import { splitSections, type Annotation } from './annotated.js';
import { compareDigits, words, type FormatParser, type ImportFormat, type Problems, type SourceFile, type SourceMigration } from './model.js';

/** Hidden files and the folders' usual companions are not migrations and not errors. */
function ignored(name: string): boolean {
  return name.startsWith('.');
}

/** Refuses a second migration with a version the tool keeps one of. */
function uniqueVersions(list: SourceMigration[], problems: Problems, tool: string, byPath: Map<string, SourceFile>): void {
  const first = new Map<string, SourceMigration>();
  for (const m of list) {
    const other = first.get(m.recordedAs);
    if (!other) first.set(m.recordedAs, m);
    else problems.add(byPath.get(m.files[0]!)!, `version ${m.version} is also the version of ${other.files.join(', ')}`, `${tool} keeps one migration per version; give one of them a new version (rename the file).`);
  }
}

const sorted = (list: SourceMigration[], compare: (a: SourceMigration, b: SourceMigration) => number) => list.sort((a, b) => compare(a, b) || (a.files[0]! < b.files[0]! ? -1 : 1));

// golang-migrate: {version}_{title}.up.sql and {version}_{title}.down.sql, version an unsigned integer.
const GOLANG = /^(\d+)_(.*)\.(up|down)\.sql$/;
const golangMigrate: FormatParser = {
  parse(files, problems) {
    const byVersion = new Map<string, { up?: SourceFile; down?: SourceFile; title: string }>();
    for (const f of files) {
      const m = GOLANG.exec(f.name);
      if (!m) {
        problems.add(f, 'not a golang-migrate file name', 'golang-migrate reads {version}_{title}.up.sql and {version}_{title}.down.sql; rename the file or move it out of the folder.');
        continue;
      }
      const version = BigInt(m[1]!).toString();
      const entry = byVersion.get(version) ?? { title: m[2]! };
      const side = m[3] as 'up' | 'down';
      if (entry[side]) problems.add(f, `a second ${side} file for version ${version} (the first is ${entry[side]!.name})`, 'golang-migrate refuses two files for one version and direction; give one of them a new version.');
      else entry[side] = f;
      byVersion.set(version, entry);
    }
    const list: SourceMigration[] = [];
    for (const [version, e] of byVersion) {
      if (!e.up) {
        problems.add(e.down!, `a down file without an up file for version ${version}`, 'Add the up file, or remove the down file.');
        continue;
      }
      const prefix = /^(\d+)_/.exec(e.up.name)![1]!;
      list.push({
        version: prefix,
        recordedAs: version,
        name: words(e.title),
        files: [e.up.name, ...(e.down ? [e.down.name] : [])],
        up: { sql: e.up.text, transactional: true },
        ...(e.down ? { down: { sql: e.down.text, transactional: true } } : {}),
      });
    }
    return sorted(list, (a, b) => compareDigits(a.recordedAs, b.recordedAs));
  },
};

function gooseAnnotation(line: string): Annotation | undefined {
  const m = /^\s*--\s*\+goose\s+(.*?)\s*$/i.exec(line);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  if (word === 'up') return { kind: 'up' };
  if (word === 'down') return { kind: 'down' };
  if (word === 'statementbegin') return { kind: 'statement-begin' };
  if (word === 'statementend') return { kind: 'statement-end' };
  if (word === 'no transaction') return { kind: 'no-transaction' };
  if (word.startsWith('envsub')) return word === 'envsub off' ? { kind: 'statement-end' } : { kind: 'refused', why: 'goose ENVSUB substitutes environment variables into the SQL, which pgstrata runs as written', hint: 'Write the values into the SQL and remove the annotation.' };
  return { kind: 'unknown' };
}

// goose: {version}_{name}.sql with -- +goose Up / Down; .go migrations cannot be imported.
const GOOSE = /^(\d+)_(.*)\.sql$/;
const goose: FormatParser = {
  parse(files, problems) {
    const list: SourceMigration[] = [];
    for (const f of files) {
      if (/^\d+_.*\.go$/.test(f.name)) {
        problems.add(f, 'a goose migration written in Go', 'pgstrata runs SQL only: rewrite it as a .sql migration (or run it once by hand and stamp past it).');
        continue;
      }
      const m = GOOSE.exec(f.name);
      if (!m) {
        problems.add(f, 'not a goose file name', 'goose reads {version}_{name}.sql; rename the file or move it out of the folder.');
        continue;
      }
      const s = splitSections(f, problems, 'goose', gooseAnnotation);
      if (!s.up) continue;
      list.push({ version: m[1]!, recordedAs: BigInt(m[1]!).toString(), name: words(m[2]!), files: [f.name], up: s.up, ...(s.down ? { down: s.down } : {}) });
    }
    const byPath = new Map(files.map((f) => [f.name, f]));
    uniqueVersions(list, problems, 'goose', byPath);
    return sorted(list, (a, b) => compareDigits(a.recordedAs, b.recordedAs));
  },
};

function sqlMigrateAnnotation(line: string): Annotation | undefined {
  const m = /^\s*--\s*\+migrate\s+(\S+)(.*)$/i.exec(line);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase();
  const rest = m[2]!.trim().toLowerCase();
  if (word === 'up' || word === 'down') {
    if (rest !== '' && rest !== 'notransaction') return { kind: 'unknown' };
    return { kind: word, transactional: rest !== 'notransaction' };
  }
  if (word === 'statementbegin') return { kind: 'statement-begin' };
  if (word === 'statementend') return { kind: 'statement-end' };
  return { kind: 'unknown' };
}

// sql-migrate: any *.sql; its id is the file name; files with a numeric prefix are ordered by it,
// so several files may share one number (ordered by name, as sql-migrate does).
const sqlMigrate: FormatParser = {
  parse(files, problems) {
    const list: SourceMigration[] = [];
    for (const f of files) {
      if (!f.name.endsWith('.sql')) {
        problems.add(f, 'not a .sql file', 'sql-migrate reads only *.sql files; move it out of the folder.');
        continue;
      }
      const s = splitSections(f, problems, 'sql-migrate', sqlMigrateAnnotation);
      if (!s.up) continue;
      const m = /^(\d+)[_-]?(.*)\.sql$/.exec(f.name);
      list.push({ version: m ? m[1]! : f.name.replace(/\.sql$/, ''), recordedAs: f.name, name: words(m ? m[2]! || m[1]! : f.name.replace(/\.sql$/, '')), files: [f.name], up: s.up, ...(s.down ? { down: s.down } : {}) });
    }
    const numeric = (x: SourceMigration) => /^\d+$/.test(x.version);
    return sorted(list, (a, b) => (numeric(a) && numeric(b) ? compareDigits(a.version, b.version) : a.recordedAs < b.recordedAs ? -1 : a.recordedAs > b.recordedAs ? 1 : 0));
  },
};

function dbmateAnnotation(line: string): Annotation | undefined {
  const m = /^\s*--\s*migrate:(\S+)(.*)$/.exec(line);
  if (!m) return undefined;
  const word = m[1]!;
  if (word !== 'up' && word !== 'down') return { kind: 'unknown' };
  const options = m[2]!.trim().split(/\s+/).filter(Boolean);
  let transactional = true;
  for (const o of options) {
    if (o === 'transaction:false') transactional = false;
    else if (o !== 'transaction:true') return { kind: 'refused', why: `dbmate option "${o}" is not one pgstrata can carry over`, hint: 'pgstrata understands transaction:false and transaction:true; remove the option.' };
  }
  return { kind: word, transactional };
}

// dbmate: {version}_{name}.sql with -- migrate:up / -- migrate:down; one row per version.
const DBMATE = /^(\d+)_(.*)\.sql$/;
const dbmate: FormatParser = {
  parse(files, problems) {
    const list: SourceMigration[] = [];
    for (const f of files) {
      const m = DBMATE.exec(f.name);
      if (!m) {
        problems.add(f, 'not a dbmate file name', 'dbmate reads {version}_{name}.sql; rename the file or move it out of the folder.');
        continue;
      }
      const s = splitSections(f, problems, 'dbmate', dbmateAnnotation);
      if (!s.up) continue;
      list.push({ version: m[1]!, recordedAs: m[1]!, name: words(m[2]!), files: [f.name], up: s.up, ...(s.down ? { down: s.down } : {}) });
    }
    uniqueVersions(list, problems, 'dbmate', new Map(files.map((f) => [f.name, f])));
    return sorted(list, (a, b) => compareDigits(a.version, b.version));
  },
};

// Flyway: V{version}__{description}.sql, undo U{version}__{description}.sql, version parts
// separated by . or _ and compared as numbers (1.10 after 1.9; 1.0 is 1).
const FLYWAY = /^([VUR])([0-9._]*)__(.+)\.sql$/;
function flywayVersion(raw: string): string {
  const parts = raw.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}
function compareFlyway(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareDigits(x[i] ?? '0', y[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}
const flyway: FormatParser = {
  parse(files, problems) {
    const versioned = new Map<string, SourceFile>();
    const undo = new Map<string, SourceFile>();
    const conf = new Map(files.filter((f) => f.name.endsWith('.sql.conf')).map((f) => [f.name.replace(/\.conf$/, ''), f]));
    for (const f of files) {
      if (conf.has(f.name.replace(/\.conf$/, '')) && f.name.endsWith('.conf')) continue;
      const m = FLYWAY.exec(f.name);
      if (!m || (m[1] !== 'R' && !/^\d+([._]\d+)*$/.test(m[2]!))) {
        problems.add(f, 'not a Flyway file name', 'Flyway reads V{version}__{description}.sql and U{version}__{description}.sql; rename the file or move it out of the folder.');
        continue;
      }
      if (m[1] === 'R') {
        problems.add(f, 'a Flyway repeatable migration', 'A repeatable migration runs again whenever it changes, which has no place in a revision history: turn it into a versioned V file at the point it belongs, or move it out of the folder.');
        continue;
      }
      const version = flywayVersion(m[2]!);
      const map = m[1] === 'V' ? versioned : undo;
      const other = map.get(version);
      if (other) problems.add(f, `version ${version} is also the version of ${other.name}`, 'Flyway refuses two migrations with one version; give one of them a new version.');
      else map.set(version, f);
    }
    const list: SourceMigration[] = [];
    for (const [version, f] of versioned) {
      const m = FLYWAY.exec(f.name)!;
      const u = undo.get(version);
      list.push({
        version: m[2]!,
        recordedAs: version,
        name: words(m[3]!),
        files: [f.name, ...(u ? [u.name] : [])],
        up: { sql: f.text, transactional: confTransactional(conf.get(f.name), problems) },
        ...(u ? { down: { sql: u.text, transactional: confTransactional(conf.get(u.name), problems) } } : {}),
      });
    }
    for (const [version, u] of undo) if (!versioned.has(version)) problems.add(u, `an undo migration for version ${version}, which has no V file`, 'Add the versioned migration, or remove the undo file.');
    return sorted(list, (a, b) => compareFlyway(a.recordedAs, b.recordedAs));
  },
};

/** A Flyway script configuration file (V1__x.sql.conf): executeInTransaction=false. */
function confTransactional(conf: SourceFile | undefined, problems: Problems): boolean {
  if (!conf) return true;
  for (const [i, line] of conf.text.split(/\r?\n/).entries()) {
    const m = /^\s*executeInTransaction\s*=\s*(\S+)\s*$/.exec(line);
    if (m) {
      if (m[1] === 'false') return false;
      if (m[1] !== 'true') problems.add(conf, `executeInTransaction=${m[1]} is neither true nor false`, 'Write true or false.', i + 1);
    }
  }
  return true;
}

export const PARSERS: Record<ImportFormat, FormatParser> = { 'golang-migrate': golangMigrate, goose, 'sql-migrate': sqlMigrate, dbmate, flyway };
export { ignored };
