// Every command, in the order --help lists them. The modules below register nothing themselves:
// this list is the only place that names them, so nothing imports back up from a command.
import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { coreCommands } from './core.js';
import { fleetCommand } from './fleet.js';
import { graphCommands } from './graph.js';
import { importCommand } from './import.js';
import { opsCommands } from './ops.js';
import { traceCommand } from './trace.js';

export const commands: Command[] = [...coreCommands, fleetCommand, checkCommand, traceCommand, ...graphCommands, importCommand, ...opsCommands];
