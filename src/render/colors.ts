import pc from 'picocolors';

/**
 * Terminal colours for every renderer and command: one neutral module, so a renderer outside commands/
 * (doctor's) colours its text without importing the CLI's output streams. picocolors already honours
 * NO_COLOR and non-TTYs.
 */
export const colors = pc;
