// The targets file: one target a line (`name url [schema=…]`, `#` comments, blank lines), or a
// JSON array of {name, url, schema?}. Every problem is reported with its file and line, at once.
import { readFileSync } from 'node:fs';
import { UsageError } from '../runner/util/errors.js';
import { addUrlSecret, redactUrl } from '../runner/util/redact.js';

export interface Target {
  name: string;
  /** As written, password included: kept in memory only, never written to a record or printed. */
  url: string;
  /** Schema of this tenant: first on the search_path, and home of its version table. */
  schema?: string;
  /** 1-based line in the targets file (JSON: the line the entry starts on). */
  line?: number;
}

const NAME = /^[A-Za-z0-9_.:@-]{1,200}$/;
const SCHEMA = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const URL_FORM = /^(postgres(ql)?:\/\/|pglite:|pgmem:)/;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function checkTarget(t: Target, where: string, seen: Map<string, string>, problems: string[]): void {
  if (!NAME.test(t.name)) problems.push(`${where}: target name "${t.name}" must be 1-200 letters, digits or _ . : @ -`);
  if (!URL_FORM.test(t.url)) problems.push(`${where}: target ${t.name}: "${redactUrl(t.url)}" is not a database URL (postgres://…, pglite:<dir> or pgmem:)`);
  if (t.schema !== undefined && !SCHEMA.test(t.schema)) problems.push(`${where}: target ${t.name}: schema "${t.schema}" must be an unquoted identifier (letters, digits, _, at most 63)`);
  const earlier = seen.get(t.name);
  if (earlier) problems.push(`${where}: target name ${t.name} is already used at ${earlier}`);
  else seen.set(t.name, where);
}

function parseLines(text: string, file: string, problems: string[]): Target[] {
  const targets: Target[] = [];
  const seen = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const where = `${file}:${line}`;
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') return;
    const [name, url, ...rest] = content.split(/\s+/);
    if (url === undefined) return void problems.push(`${where}: expected "name url [schema=…]", found only "${name}"`);
    const target: Target = { name: name!, url, line };
    for (const word of rest) {
      const m = /^schema=(.*)$/.exec(word);
      if (m) target.schema = m[1]!;
      else problems.push(`${where}: unknown "${redactUrl(word)}" after the URL (only schema=NAME may follow it)`);
    }
    checkTarget(target, where, seen, problems);
    targets.push(target);
  });
  return targets;
}

function parseJson(text: string, file: string, problems: string[]): Target[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    problems.push(`${file}: not valid JSON: ${(e as Error).message}`);
    return [];
  }
  if (!Array.isArray(value)) return void problems.push(`${file}:1: expected a JSON array of {"name", "url", "schema"?}`), [];
  // Where each entry starts, for file:line messages: the n-th '{' at array depth 1.
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (c === '{' && depth === 1) starts.push(i);
      depth++;
    } else if (c === ']' || c === '}') depth--;
  }
  const seen = new Map<string, string>();
  const targets: Target[] = [];
  value.forEach((entry: unknown, i) => {
    const line = starts[i] === undefined ? 1 : lineOf(text, starts[i]!);
    const where = `${file}:${line}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return void problems.push(`${where}: entry ${i + 1} is not an object {"name", "url", "schema"?}`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !['name', 'url', 'schema'].includes(k));
    if (unknown.length > 0) problems.push(`${where}: entry ${i + 1}: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`);
    if (typeof e.name !== 'string' || typeof e.url !== 'string' || (e.schema !== undefined && typeof e.schema !== 'string')) {
      return void problems.push(`${where}: entry ${i + 1}: "name" and "url" must be strings, and "schema" a string when given`);
    }
    const target: Target = { name: e.name, url: e.url, line, ...(e.schema === undefined ? {} : { schema: e.schema }) };
    checkTarget(target, where, seen, problems);
    targets.push(target);
  });
  return targets;
}

/** Parses a targets file's text; throws UsageError naming every bad line. */
export function parseTargets(text: string, file: string): Target[] {
  const problems: string[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const targets = body.trimStart().startsWith('[') ? parseJson(body, file, problems) : parseLines(body, file, problems);
  if (problems.length === 0 && targets.length === 0) problems.push(`${file}: no targets (one a line: name url [schema=NAME])`);
  // Known before any message is written, so no line can print one of their passwords.
  for (const t of targets) addUrlSecret(t.url);
  if (problems.length > 0) throw new UsageError(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the targets file:\n${problems.join('\n')}`);
  return targets;
}

export function readTargets(path: string): Target[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the targets file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseTargets(text, path);
}

/** A target as the record and the report show it: the URL without its password. */
export function shownUrl(t: Target): string {
  return redactUrl(t.url);
}
