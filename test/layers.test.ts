// The layout is part of the design: every folder of src/ says in its README.md what it owns and
// which folders it may import ("May import: …"), and this test holds the code to that. It also
// keeps src/ free of import circles, type-only imports included, and each folder small.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');
const MAX_FILES = 12;

/** Every .ts file under src/, as a path relative to src/ with forward slashes. */
function sourceFiles(dir = SRC): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (entry.endsWith('.ts')) found.push(relative(SRC, path).split('\\').join('/'));
  }
  return found;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** The src/-relative files a file imports (static, dynamic and type-only alike). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const targets = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) targets.add(posix.normalize(posix.join(posix.dirname(file), m[2]!)).replace(/\.js$/, '.ts'));
  return [...targets];
}

const files = sourceFiles();
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const folders = [...new Set(files.map((f) => posix.dirname(f)))].filter((d) => d !== '.');

/** A folder's declared imports: names are sibling folders first, else paths under src/. */
function declared(folder: string): Set<string> {
  const readme = readFileSync(join(SRC, folder, 'README.md'), 'utf8');
  const line = /^May import: (.*)$/m.exec(readme);
  assert.ok(line, `src/${folder}/README.md has no "May import:" line`);
  if (/^nothing/.test(line[1]!)) return new Set();
  const parent = posix.dirname(folder);
  return new Set(
    line[1]!.split(',').map((name) => {
      const n = name.trim().replace(/\.$/, '');
      const sibling = parent === '.' ? n : `${parent}/${n}`;
      return folders.includes(sibling) ? sibling : n;
    }),
  );
}

test('every import a file makes resolves to a file in src/', () => {
  for (const [file, targets] of graph) for (const t of targets) assert.ok(graph.has(t), `src/${file} imports ${t}, which does not exist`);
});

test('no import circles anywhere in src/ (type-only imports count)', () => {
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      circles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.equal(circles, []);
});

test('each folder says what it owns and imports only what its README allows', () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = posix.dirname(file);
    if (from === '.') continue; // the entry points: cli.ts, index.ts, launcher.ts
    const allowed = declared(from);
    for (const t of targets) {
      const to = posix.dirname(t);
      if (to !== from && !allowed.has(to)) wrong.push(`src/${file} imports src/${t} (src/${from}/README.md allows ${[...allowed].join(', ') || 'nothing'})`);
    }
  }
  assert.equal(wrong, []);
});

test('the allowed imports run one way: no folder may import, through others, a folder that may import it', () => {
  const edges = new Map(folders.map((f) => [f, declared(f)]));
  for (const start of folders) {
    const seen = new Set<string>();
    const stack = [...(edges.get(start) ?? [])];
    while (stack.length > 0) {
      const f = stack.pop()!;
      assert.not.equal(f, start, `src/${start} can reach itself through the folders it may import`);
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(edges.get(f) ?? []));
    }
  }
});

test(`every folder holds ${MAX_FILES} source files or fewer`, () => {
  for (const folder of folders) {
    const count = files.filter((f) => posix.dirname(f) === folder).length;
    assert.ok(count <= MAX_FILES, `src/${folder} has ${count} files`);
  }
});

test.run();
