import { colors } from '../render/colors.js';
import { redactKnownSecrets } from '../secrets/redact.js';

/** Results go to stdout, diagnostics to stderr; colours live in render/colors.ts, re-exported for the commands. */
export { colors };

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(redactKnownSecrets(text.endsWith('\n') ? text : `${text}\n`));
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
