import { Command } from 'commander';
import type { VendorCommand } from '../command.js';
import { describedInGit, startWebhookServer } from './webhook.js';

interface WebhookCommandOptions {
  port: string;
  host: string;
  publicKey?: string;
  legacyPublicKey?: string;
}

export const PUBLIC_KEY_ENV = 'HIGHLEVEL_WEBHOOK_PUBLIC_KEY';
/** The RSA key of the legacy x-wh-signature (shared/vendors/README.md, HighLevel webhook). */
export const LEGACY_PUBLIC_KEY_ENV = 'HIGHLEVEL_WEBHOOK_LEGACY_PUBLIC_KEY';

/**
 * `roster webhook`: receives HighLevel's signed UserCreate deliveries and says, for each new user,
 * whether git describes them. It never writes to a vendor; the next plan deals with the difference.
 */
export const webhookCommand: VendorCommand = ({ configFile: configFileOf, loadOrganisation, loadOrReport, out, err, colors }) =>
  new Command('webhook')
    .description('Receive HighLevel UserCreate webhooks (x-ghl-signature Ed25519, or legacy x-wh-signature RSA) and report whether each new user is described in git.')
    .option('--port <port>', 'port to listen on', '8787')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-key <file>', `PEM file of HighLevel's Ed25519 webhook public key (default: $${PUBLIC_KEY_ENV}, PEM text or a file)`)
    .option('--legacy-public-key <file>', `PEM file of HighLevel's RSA key for the legacy x-wh-signature (default: $${LEGACY_PUBLIC_KEY_ENV})`)
    .action(async (options: WebhookCommandOptions) => {
      const configFile = configFileOf();
      const publicKey = options.publicKey || process.env[PUBLIC_KEY_ENV] || undefined;
      const legacyPublicKey = options.legacyPublicKey || process.env[LEGACY_PUBLIC_KEY_ENV] || undefined;
      if (!publicKey && !legacyPublicKey) {
        throw new Error(
          `no webhook public key: pass --public-key <file> or set ${PUBLIC_KEY_ENV} (Ed25519, x-ghl-signature); or --legacy-public-key <file> / ${LEGACY_PUBLIC_KEY_ENV} (RSA, x-wh-signature)`,
        );
      }
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port takes a port number, got "${options.port}"`);
      // Fail fast on a broken users/ folder; after that git is read again for every delivery.
      await loadOrReport(configFile);

      const server = await startWebhookServer({
        publicKey,
        legacyPublicKey,
        host: options.host,
        port,
        isDescribed: async (email) => describedInGit(await loadOrganisation(configFile), email),
        log: (line) => out(`${new Date().toISOString()} ${line}`),
      });
      out(`listening for HighLevel webhooks on ${server.url}`);
      err(colors.dim('Press Ctrl+C to stop.'));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
