// pino on stderr, synchronously (no transport thread). Every event is redacted before pino
// serialises it, so no password reaches a log and a JSON line stays JSON. pino itself is loaded
// on the first line that passes the level, and pino-pretty on the first pretty line: a quiet run
// pays for neither.
import { createRequire } from 'node:module';
import type { Logger as Pino, LevelWithSilent } from 'pino';
import type { Logger } from '../runner/util/logger.js';
import { redactForeign, redactText, redactValue } from '../runner/util/redact.js';

export type LogFormat = 'pretty' | 'json';

const require = createRequire(import.meta.url);
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

function destination(format: LogFormat) {
  let pretty: ((line: string) => string) | undefined;
  return {
    write(line: string) {
      if (format === 'json') {
        process.stderr.write(line);
        return;
      }
      if (!pretty) {
        const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
        pretty = prettyFactory({ colorize: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,event', singleLine: true });
      }
      process.stderr.write(pretty(line));
    },
  };
}

export function createLogger(level: string, format: LogFormat): Logger {
  const threshold = LEVELS[level] ?? LEVELS.info!;
  let pino: Pino | undefined;
  const get = (): Pino => {
    if (!pino) {
      const { pino: create } = require('pino') as typeof import('pino');
      pino = create({ level: level as LevelWithSilent, base: { pid: process.pid }, timestamp: create.stdTimeFunctions.isoTime }, destination(format));
    }
    return pino;
  };
  const at = (name: 'debug' | 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    if (LEVELS[name]! >= threshold) get()[name](redactEvent(obj), msg === undefined ? undefined : redactText(msg));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** By convention an event's `error` (or `err`) field carries a message from outside (driver, server); the rest is pgstrata's own. */
function redactEvent(obj: object): object {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactValue(v, k === 'error' || k === 'err' ? redactForeign : redactText)]));
}
