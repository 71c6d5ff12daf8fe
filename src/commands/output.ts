import { colors } from '../render/colors.js';
import { processSink } from '../output/sink.js';

/**
 * Results go to stdout, diagnostics to stderr, both through the output sink (src/output/sink.ts),
 * which knows who reads them and hides secrets, hidden characters and workflow commands accordingly.
 * Colours live in render/colors.ts, re-exported for the commands.
 */
export { colors };

export function out(text: string): void {
  processSink().out(text);
}

export function err(text: string): void {
  processSink().err(text);
}

/** Last resort: a readable one-line error, never a stack trace (ROSTER_DEBUG=1 shows it). */
export function reportFatal(error: unknown): void {
  process.exitCode = 1;
  // Already explained on stderr (validation diagnostics): nothing more to add.
  if (error instanceof Error && error.name === 'ReportedError') return;
  const message = error instanceof Error ? error.message : String(error);
  err(`${colors.red('error:')} ${message}`);
  if (process.env.ROSTER_DEBUG && error instanceof Error && error.stack) err(error.stack);
  process.exitCode = 1;
}
