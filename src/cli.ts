#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';
import { reportFatal } from './commands/output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command('roster')
  .description('People, roles and offices declared in YAML, reconciled into every vendor that holds their accounts.')
  .version(version, '-V, --version')
  .option('-c, --config <file>', 'root config file', 'roster.yaml')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = error.exitCode;
  } else {
    reportFatal(error);
  }
}
