// psql and pg_dump as a DBA runs them: the offline-script tests feed scripts to the real psql and
// compare schemas with the real pg_dump. PG_BINDIR overrides where they are looked for.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The newest /usr/lib/postgresql/<major>/bin (Debian's layout), else whatever is on PATH. */
function tool(name: string): string {
  const dirs = process.env.PG_BINDIR ? [process.env.PG_BINDIR] : [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) dirs.push(join(debian, v, 'bin'));
  }
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ?? name;
}

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PGOPTIONS: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs a script file as the README says: psql -v ON_ERROR_STOP=1 -f <file>; `env` adds e.g. PGCLIENTENCODING. */
export function psqlFile(url: string, file: string, env: Record<string, string> = {}): Promise<ToolResult> {
  return run(tool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], undefined, env);
}

/** pg_dump --schema-only, without the per-run \restrict key that newer pg_dump versions print. */
export async function schemaDump(url: string, extra: string[] = []): Promise<string> {
  const r = await run(tool('pg_dump'), ['--schema-only', '--no-owner', ...extra, '-d', url]);
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');
}
