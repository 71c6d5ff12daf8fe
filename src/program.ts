import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';
import { reportFatal } from './commands/output.js';
import { createSink, installSink } from './output/sink.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `roster` program with every command registered; `cli.ts` runs it on process.argv. */
export function buildProgram(): Command {
  const program = new Command('roster')
    .description('People, roles and offices declared in YAML, reconciled into every vendor that holds their accounts.')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'root config file', 'roster.yaml')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs one command line (without node and the script name); the outcome is left in process.exitCode. */
export async function runRoster(args: string[]): Promise<void> {
  // One output sink for the whole run, built before anything can print: it knows who reads stdout and stderr.
  installSink(createSink({ env: process.env, stdout: () => process.stdout, stderr: () => process.stderr }));
  try {
    await buildProgram().parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode;
    } else {
      reportFatal(error);
    }
  }
}
