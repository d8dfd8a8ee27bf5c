// Runs the built CLI as a user would, capturing stdout, stderr and the exit status. This is the
// one place the tests spawn the CLI: `runCli` waits for it to end, `startCli` lets a test watch
// it while it runs (wait for a line, kill it at a chosen moment).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled CLI, as installed users run it (`make build` writes it; see scripts/bundle.mjs). */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/pgstrata.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (or, with undefined, removed from) the test's environment; DATABASE_URL is unset unless given. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The process is killed (SIGKILL) if it runs longer than this, so that a hang fails the test instead of stalling the suite. */
  limitMs?: number;
}

/** Longer than any --lock-timeout a test uses (the default is 5 min). */
const DEFAULT_LIMIT_MS = 10 * 60_000;

export interface LiveCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` appears in stdout or stderr; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves with how the process ended. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], options: CliOptions = {}): LiveCli {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [CLI, ...args], { env: env as NodeJS.ProcessEnv, cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out) || w.pattern.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), check()));
  child.stderr!.on('data', (d: Buffer) => ((err += d.toString()), check()));
  const limitMs = options.limitMs ?? DEFAULT_LIMIT_MS;
  const limit = setTimeout(() => {
    err += `\n[test harness: pgstrata ${args[0] ?? ''} still running after ${limitMs} ms; killed]\n`;
    child.kill('SIGKILL');
  }, limitMs);
  limit.unref();
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolvePromise, reject) => {
    child.on('error', (e) => (clearTimeout(limit), reject(e)));
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      for (const w of waiters.splice(0)) w.reject(new Error(`process ended (status ${code}, signal ${signal}) before ${w.pattern} appeared\nstdout: ${out}\nstderr: ${err}`));
      resolvePromise({ status: code ?? -1, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern) {
      if (pattern.test(out) || pattern.test(err)) return Promise.resolve();
      return new Promise((resolvePromise, reject) => waiters.push({ pattern, resolve: resolvePromise, reject }));
    },
    done,
  };
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { status, stdout, stderr } = await startCli(args, options).done;
  return { status, stdout, stderr };
}
