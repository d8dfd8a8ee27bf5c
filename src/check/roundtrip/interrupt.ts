// Ctrl-C or SIGTERM while something must be undone first (the round trip's throwaway database
// on a server): undo it, then end as the signal would have, with exit status 128 + its number
// (130 for SIGINT, 143 for SIGTERM). When the program listens for the signal itself (pgstrata
// used as a library), ending is left to it. A second signal ends at once.
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof SIGNALS;

/**
 * Runs `cleanup` on SIGINT or SIGTERM until the returned function is called. `what` says what is
 * being cleaned up, for the line on stderr.
 */
export function onInterrupt(what: string, cleanup: () => Promise<void>): () => void {
  let running: Promise<void> | undefined;
  const handler = (signal: Signal) => {
    const status = SIGNALS[signal];
    const alone = process.listenerCount(signal) === 1;
    if (running) {
      process.stderr.write(`\n${signal} again: not waiting; ${what} may be left behind\n`);
      process.exit(status);
    }
    process.stderr.write(`\n${signal}: ${what}…\n`);
    running = cleanup().then(
      () => {
        if (alone) process.exit(status);
      },
      (e: unknown) => {
        process.stderr.write(`could not finish (${(e as Error).message}): ${what} may be left behind\n`);
        if (alone) process.exit(status);
      },
    );
  };
  const handlers = (Object.keys(SIGNALS) as Signal[]).map((s) => [s, () => handler(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}
