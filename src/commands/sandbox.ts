import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { RootConfig } from '../config/schema.js';
import { startSandbox, type Sandbox } from '../compose/sandbox.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { loadOrReport } from './session.js';

interface SandboxCommandOptions {
  fixtures?: string;
  configOut?: string;
  port?: string[];
  host: string;
}

export const registerSandbox: RegisterCommand = (program) => {
  program.addCommand(
    new Command('sandbox')
      .description('Run the vendor emulators until stopped, so separate plan and apply runs share one live state.')
      .option('--fixtures <dir>', 'folder of your own <kind>.json fixtures (default: each vendor\'s built-in fixture)')
      .option('--config-out <file>', 'write a roster config pointing every vendor at the emulators')
      .option('--port <kind=port...>', 'fixed port for a vendor kind, e.g. --port enerflo=4001')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .action(async (options: SandboxCommandOptions) => {
        const configFile = program.opts().config as string;
        const org = await loadOrReport(configFile);
        const sandbox = await startSandbox(org.config, {
          fixturesDir: options.fixtures,
          ports: parsePorts(options.port ?? []),
          host: options.host,
        });
        for (const [kind, emulator] of sandbox.emulators) out(`${kind.padEnd(10)} ${emulator.url}`);

        if (options.configOut) {
          try {
            await writeSandboxConfig(options.configOut, configFile, org.config, sandbox);
          } catch (error) {
            // Nothing keeps running when the config cannot be written.
            await sandbox.stop();
            throw error;
          }
        }
        err(colors.dim('Sandbox running; press Ctrl+C to stop.'));
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sandbox.stop();
      }),
  );
};

async function writeSandboxConfig(configOut: string, configFile: string, config: RootConfig, sandbox: Sandbox): Promise<void> {
  const usersDir = path.resolve(path.dirname(configFile), config.users);
  const configured = structuredClone(config);
  for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(configured.vendors[name], override);
  const rewritten = { ...configured, users: path.relative(path.dirname(path.resolve(configOut)), usersDir) || '.' };
  await writeFile(configOut, `# Written by \`roster sandbox\`: every vendor points at a local emulator.\n${stringify(rewritten)}`);
  const envFile = `${configOut}.env`;
  await writeFile(envFile, Object.entries(sandbox.env).map(([k, v]) => `${k}=${v}\n`).join(''));
  out(`\nconfig: ${configOut}\ncredentials: ${envFile} (sandbox-only values)`);
  const sourced = path.isAbsolute(envFile) ? envFile : `./${envFile}`;
  out(colors.dim(`  set -a; . ${sourced}; set +a; roster plan -c ${configOut}`));
}

function parsePorts(specs: string[]): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const spec of specs) {
    const match = /^([a-z]+)=(\d+)$/.exec(spec);
    if (!match) throw new Error(`--port takes kind=port (e.g. enerflo=4001), got "${spec}"`);
    ports[match[1]] = Number(match[2]);
  }
  return ports;
}
