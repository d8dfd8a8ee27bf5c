// Runs uvu over a folder and, when tests fail, prints each failure again at the very end.
// uvu reports a failure under its file, possibly hundreds of lines before the totals; a CI log
// that keeps only its tail would otherwise show "Passed: 154 of 155" and not which test failed.
// Usage: node scripts/test.mjs <dir> <pattern>
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [dir, pattern] = process.argv.slice(2);
// uvu's package exports do not list bin.js; it sits in node_modules like the Makefile always ran it.
const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const child = spawn(process.execPath, ['--enable-source-maps', uvu, dir, pattern], { stdio: ['ignore', 'pipe', 'inherit'] });

const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const failures = [];
let file = '';
let block; // lines of the failure being read, until the next file or the totals
let pending = '';

function line(raw) {
  const text = plain(raw);
  if (/^\S.*\.test\.js$/.test(text) || /^\s+Total:/.test(text)) {
    block = undefined;
    if (!/^\s+Total:/.test(text)) file = text;
  } else if (/^\s+FAIL\s/.test(text)) {
    block = [`${file}:`, text];
    failures.push(block);
  } else if (block) {
    block.push(text);
  }
}

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk.toString('utf8')).split('\n');
  pending = lines.pop();
  lines.forEach(line);
});

child.on('close', (code, signal) => {
  if (pending) line(pending);
  if (failures.length > 0) {
    process.stdout.write(`\n${failures.length} failed test${failures.length === 1 ? '' : 's'}, repeated from above:\n\n`);
    for (const b of failures) process.stdout.write(`${b.join('\n').trimEnd()}\n\n`);
  }
  process.exitCode = code ?? (signal ? 1 : 0);
});
