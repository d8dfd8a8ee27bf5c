// Watching a CLI process while it runs (startCli, from ./cli.js, the one place the tests spawn
// it), and polling the database for a state with a deadline, so that no test can hang.
export { startCli, type LiveCli } from './cli.js';

/** Polls `probe` until it returns a value other than undefined; gives up after `limitMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
