import { redactText } from './redact.js';

/** The logging shape the runner needs; pino satisfies it and a test can pass a silent one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

function stderrLine(level: string, obj: object, msg: string | undefined): void {
  const text = msg ?? String((obj as { event?: unknown }).event ?? JSON.stringify(obj));
  process.stderr.write(`pgstrata ${level}: ${redactText(text).replace(/\s*\n\s*/g, ' ')}\n`);
}

/**
 * The default for a library user who passes no logger: warnings and errors on stderr, one line
 * each (an engine's missing features, drift allowed, a lock wait), nothing below. Pass
 * `silentLogger` to silence it, or any logger of this shape (pino's) to redirect it.
 */
export const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn: (obj, msg) => stderrLine('warn', obj, msg),
  error: (obj, msg) => stderrLine('error', obj, msg),
};
