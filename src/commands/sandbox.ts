import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { RootConfig } from '../config/schema.js';
import { startSandbox, type Sandbox } from '../compose/sandbox.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { loadOrReport } from './session.js';
import { untilStopped } from './sandbox-lifetime.js';

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
        // Watched from the start: a parent that goes away while the emulators start stops them once up.
        const lifetime = untilStopped();
        let sandbox: Sandbox;
        const configFile = program.opts().config as string;
        try {
          const org = await loadOrReport(configFile);
          sandbox = await startSandbox(org.config, {
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
        } catch (error) {
          lifetime.dispose();
          throw error;
        }
        err(colors.dim('Sandbox running; press Ctrl+C to stop (it also stops when the process that started it goes away).'));
        const reason = await lifetime.stopped;
        await sandbox.stop();
        err(colors.dim(`Sandbox stopped: ${reason}.`));
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
  // Sandbox-only values, but credentials all the same: owner-only, like every file roster writes secrets to.
  await writeFile(envFile, Object.entries(sandbox.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  await chmod(envFile, 0o600);
  out(`\nconfig: ${configOut}\ncredentials: ${envFile} (sandbox-only values)`);
  const unignored = [configOut, envFile].filter(notGitIgnored);
  if (unignored.length > 0) err(colors.yellow(`note: ${unignored.join(' and ')} ${unignored.length === 1 ? 'is' : 'are'} not git-ignored here: add ${unignored.map((f) => path.basename(f)).join(' and ')} to .gitignore before \`git add -A\``));
  const sourced = path.isAbsolute(envFile) ? envFile : `./${envFile}`;
  out(colors.dim(`  set -a; . ${sourced}; set +a; roster plan -c ${configOut}`));
}

/** A file inside a git work tree that git would offer to add (`git check-ignore` exits 1); false outside git or without git. */
function notGitIgnored(file: string): boolean {
  const result = spawnSync('git', ['check-ignore', '-q', path.basename(file)], { cwd: path.dirname(path.resolve(file)), stdio: 'ignore' });
  return result.status === 1;
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
