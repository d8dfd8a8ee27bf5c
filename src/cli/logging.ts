// pino on stderr, synchronously (no transport thread at start-up), every line passed through
// the redactor so no password reaches a log. The pretty format loads pino-pretty on first use.
import { createRequire } from 'node:module';
import { pino, type Logger as Pino } from 'pino';
import { redact } from '../runner/redact.js';

export type LogFormat = 'pretty' | 'json';

export function createLogger(level: string, format: LogFormat): Pino {
  let pretty: ((line: string) => string) | undefined;
  const destination = {
    write(line: string) {
      const safe = redact(line);
      if (format === 'json') {
        process.stderr.write(safe);
        return;
      }
      if (!pretty) {
        const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
        pretty = prettyFactory({ colorize: process.stderr.isTTY && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,event', singleLine: true });
      }
      process.stderr.write(pretty(safe));
    },
  };
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
