import type { Command } from 'commander';
import { validateState } from '../compose/organisation.js';
import { formatDiagnostic } from '../config/diagnostics.js';
import type { Organisation } from '../config/model.js';
import { colors, err, out } from './output.js';

/** `25 people, 5 roles, 3 offices, vendors: enerflo, highlevel, pulse, partner` */
export function summarise(org: Organisation): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const people = org.people.length === 1 ? '1 person' : `${org.people.length} people`;
  const vendors = Object.keys(org.config.vendors);
  return `${people}, ${plural(org.roles.size, 'role')}, ${plural(org.offices.size, 'office')}, vendors: ${vendors.length ? vendors.join(', ') : 'none'}`;
}

/** `roster validate`: reads and checks the declared state; never talks to a vendor. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check roster.yaml and every users file; report every problem with file:line:col. No network.')
    .action(async (_options: unknown, command: Command) => {
      const { config } = command.optsWithGlobals<{ config: string }>();
      const { org, diagnostics } = await validateState(config);
      if (!org) {
        for (const d of diagnostics) err(formatDiagnostic(d));
        err(`${colors.red("error:")} ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} found`);
        process.exitCode = 1;
        return;
      }
      out(summarise(org));
    });
}
