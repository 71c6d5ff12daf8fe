import { Command } from 'commander';
import { runImport, type ImportOptions } from '../import/run.js';
import type { RegisterCommand } from './index.js';
import { err, out } from './output.js';
import { addVendorOptions } from './session.js';

/** `roster import`: today's live users as a users file (peribolos --dump, octoDNS dump), reviewed before commit. */
export const registerImport: RegisterCommand = (program) => {
  const command = new Command('import')
    .description('Write the users the vendors already have as a users file (users/imported.yaml). Never overwrites without --force.')
    .option('--out <path>', 'folder (writes imported.yaml in it), a .yaml file, or - for stdout (default: the users folder)')
    .option('--force', 'replace the output file when it exists');
  addVendorOptions(command).action(async (options: ImportOptions) => {
    await runImport(program.opts().config as string, options, { out, err });
  });
  program.addCommand(command);
};
