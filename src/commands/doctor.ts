import { Command, Option } from 'commander';
import { ExchangeLog } from '../doctor/exchanges.js';
import { renderDoctorJson, renderDoctorText } from '../doctor/render.js';
import { diagnose } from '../doctor/run.js';
import { connectVendors } from '../compose/connect.js';
import type { RegisterCommand } from './index.js';
import { out } from './output.js';
import { checkSources, renderSourceChecks } from '../sources/doctor.js';
import { localDay } from '../config/dates.js';
import { addVendorOptions, loadOrReport, type VendorCommandOptions } from './session.js';

interface DoctorOptions extends VendorCommandOptions {
  format: 'text' | 'json';
}

/**
 * `roster doctor`: a test of each vendor connection before the first plan (Entra's "Test Connection",
 * Okta's "Test API Credentials"), which also checks roster's own guesses about the vendor. Never writes.
 */
export const registerDoctor: RegisterCommand = (program) => {
  const command = new Command('doctor')
    .description('Check each vendor: config, credentials, host, authentication, the shape of a read, rate limits. Never writes; exit 1 when a vendor is not usable.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addVendorOptions(command).action(async (options: DoctorOptions) => {
    const org = await loadOrReport(program.opts().config);
    const log = new ExchangeLog();
    const connection = await connectVendors(org, { ...options, onExchange: log.record });
    try {
      const report = await diagnose(org, connection, log);
      // HR sources (issue 27): checked after the vendors, read once, never written to.
      const sources = await checkSources(org, process.env, localDay(new Date(), 'UTC'));
      const sourcesUsable = sources.every((c) => c.status !== 'fail');
      out(options.format === 'json' ? (sources.length ? JSON.stringify({ ...JSON.parse(renderDoctorJson(report)) as object, sources }, null, 2) : renderDoctorJson(report)) : renderDoctorText(report) + renderSourceChecks(sources));
      process.exitCode = report.usable && sourcesUsable ? 0 : 1;
    } finally {
      await connection.close();
    }
  });
  program.addCommand(command);
};
