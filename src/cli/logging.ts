// pino on stderr, synchronously (no transport thread), every line passed through the redactor
// so no password reaches a log. pino itself is loaded on the first line that passes the level,
// and pino-pretty on the first pretty line: a quiet run pays for neither.
import { createRequire } from 'node:module';
import type { Logger as Pino, LevelWithSilent } from 'pino';
import type { Logger } from '../runner/logger.js';
import { redact } from '../runner/redact.js';

export type LogFormat = 'pretty' | 'json';

const require = createRequire(import.meta.url);
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

function destination(format: LogFormat) {
  let pretty: ((line: string) => string) | undefined;
  return {
    write(line: string) {
      const safe = redact(line);
      if (format === 'json') {
        process.stderr.write(safe);
        return;
      }
      if (!pretty) {
        const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
        pretty = prettyFactory({ colorize: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,event', singleLine: true });
      }
      process.stderr.write(pretty(safe));
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
    if (LEVELS[name]! >= threshold) get()[name](obj, msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
