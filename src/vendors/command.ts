import type { Command } from 'commander';
import type pc from 'picocolors';
import type { Organisation } from '../config/model.js';

/**
 * What a vendor's own CLI command (HighLevel's `roster webhook`) gets from the CLI: the config file the
 * user named, the loader, and the output streams. Given, not imported, so vendors/ never imports
 * commands/ or the config loader (both import the vendor registry back).
 */
export interface VendorCommandContext {
  /** The root config file (`--config`), as parsed when the command runs. */
  configFile(): string;
  /** Reads the organisation from git; throws when it does not load. */
  loadOrganisation(configFile: string): Promise<Organisation>;
  /** Loads the organisation as every command does: a broken users/ folder is reported and the command stops. */
  loadOrReport(configFile: string): Promise<Organisation>;
  /** Results, to stdout. */
  out(text: string): void;
  /** Diagnostics, to stderr (secrets redacted). */
  err(text: string): void;
  colors: typeof pc;
}

/** Builds one command; registered on `roster` beside roster's own commands. */
export type VendorCommand = (context: VendorCommandContext) => Command;
