// What a command is to the CLI: its yargs shape and a handler that calls the runner and prints.
// Every file under commands/ exports entries of this shape; commands/index.ts lists them.
import type { Argv } from 'yargs';
import type { Logger } from '../runner/util/logger.js';
import type { GlobalOptions } from './context.js';

export interface Command {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv;
  run(args: Record<string, unknown>, opts: GlobalOptions, logger: Logger): Promise<number | void>;
  /** Command-specific settings it declares itself; see cli.ts acceptSharedSettings. */
  settings?: string[];
  /** Global options the command does not use: accepted as everywhere, but left out of its --help. */
  ignores?: string[];
}
