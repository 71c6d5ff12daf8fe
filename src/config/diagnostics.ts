/** One problem in the declared state, pointing at the exact place in a file. */
export interface Diagnostic {
  /** Path relative to the working directory, as a person would type it. */
  file: string;
  line: number;
  col: number;
  /** Field path inside the file, e.g. `people[3].phone`; empty for file-level problems. */
  path: string;
  message: string;
  hint?: string;
}

/** `users/team.yaml:12:7 people[3].phone: not a valid phone number (hint: ...)` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  const field = d.path ? ` ${d.path}:` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${where}${field} ${d.message}${hint}`;
}

/** Thrown when the declared state cannot be used; carries every problem found, not just the first. */
export class InvalidStateError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the declared state`);
    this.name = 'InvalidStateError';
  }
}
