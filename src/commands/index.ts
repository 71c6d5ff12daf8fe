import type { Command } from 'commander';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { registerApply } from './apply.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerDrift } from './drift.js';
import { registerGithub } from '../github/command.js';
import { registerImport } from './import.js';
import { registerPlan } from './plan.js';
import { registerSandbox } from './sandbox.js';
import { registerSource } from './source.js';
import { vendorModules } from '../vendors/registry.js';
import type { VendorCommandContext } from '../vendors/command.js';
import { colors, err, out } from './output.js';
import { loadOrReport } from './session.js';
import { loadOrganisation } from '../compose/organisation.js';
import { registerReport } from './report.js';

/** Each command lives in its own module and registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Commands only one vendor has (HighLevel's `roster webhook`) come from its module, so a vendor's command
 * lives in its folder; they get what they need from the CLI through a context, never by importing commands/.
 */
const registerVendorCommands: RegisterCommand = (program) => {
  const context: VendorCommandContext = { configFile: () => program.opts().config as string, loadOrganisation, loadOrReport, out, err, colors };
  for (const vendor of vendorModules) for (const command of vendor.commands ?? []) program.addCommand(command(context));
};

// Vendor commands sit where `roster webhook` always was in `roster --help`.
export const commands: RegisterCommand[] = [registerValidate, registerSchema, registerPlan, registerApply, registerSandbox, registerDemo, registerVendorCommands, registerDrift, registerGithub, registerImport, registerDoctor];
commands.push(registerReport); // issue 29: `roster report access`
// HR sources (issue 27): `roster source sync`.
commands.push(registerSource);
