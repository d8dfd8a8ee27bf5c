// The README and docs/ hold what a user needs without reading the source, so they must stay true
// of the code: every command and global option the CLI has is documented, every exit status, every
// link lands on a file and heading that exist, and the README stays a page one reads in one go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../src/cli/commands/index.js';
import { ExitStatus } from '../src/runner/util/errors.js';
import { runCli } from './helpers/cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** A command's name as typed: `up [target]` -> `up`. */
const names = commands.map((c) => (Array.isArray(c.command) ? c.command[0]! : c.command).split(' ')[0]!);

/** The first cells of a markdown table's rows, backticks kept: "| `up [target]` (alias …) |" -> "`up [target]` (alias …)". */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\| ((?:[^|\\]|\\.)+?) \|/gm)].map((m) => m[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(page: string): Set<string> {
  const text = read(page).replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

test('the README is at most 300 lines', () => {
  const lines = README.split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
});

/** The text of a page's section under `## heading`, up to the next heading of that level. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no section "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

test("the README's command table lists every command, and only commands that exist", () => {
  const documented = firstCells(section(README, 'Commands')).slice(1).map((c) => /^`([a-z-]+)/.exec(c)?.[1] ?? c);
  for (const name of names) assert.ok(documented.includes(name), `README's command table has no row for ${name}`);
  for (const d of documented) assert.ok(names.includes(d), `README's command table has a row for ${d}, which the CLI does not have`);
});

test('docs/commands.md has a row for every command', () => {
  const documented = new Set(firstCells(section(read('docs/commands.md'), 'The commands')).map((c) => /^`([a-z-]+)/.exec(c)?.[1]));
  for (const name of names) assert.ok(documented.has(name), `docs/commands.md has no row for ${name}`);
});

test('the README gives the meaning of every exit status the CLI uses', () => {
  const table = new Set(firstCells(section(README, 'Exit status')).filter((c) => /^\d+$/.test(c)).map(Number));
  for (const [name, status] of Object.entries(ExitStatus)) assert.ok(table.has(status), `README's exit status table has no row for ${status} (${name})`);
});

test('docs/configuration.md documents every global option that --help lists', async () => {
  const help = await runCli(['--help']);
  assert.is(help.status, 0, help.stderr);
  const options = [...help.stdout.split('\nOptions:\n')[1]!.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== 'help' && o !== 'version');
  assert.ok(options.length >= 10, `read ${options.length} options from --help`);
  const page = section(read('docs/configuration.md'), 'Global options');
  for (const o of options) assert.ok(page.includes(`| \`--${o}\``), `docs/configuration.md has no row for --${o}`);
});

test('every link between the README and docs/ lands on a file and a heading that exist', () => {
  const broken: string[] = [];
  for (const page of PAGES) {
    const text = read(page).replace(/^```[\s\S]*?^```/gm, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue;
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : join(dirname(page), path).split('\\').join('/');
      if (!existsSync(join(ROOT, target))) broken.push(`${page}: ${link} (no file ${target})`);
      else if (anchor && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
    }
  }
  assert.equal(broken, []);
});

test.run();
