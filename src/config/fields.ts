import { z } from 'zod';

/** Keys of roles, offices and vendor instances: short, lower-case, safe in file names and URLs. */
export const keySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'use lower-case letters, digits, dots, dashes or underscores (e.g. "sales-rep")' });

/**
 * A credential: only ever a reference to an environment variable, so secrets never sit in git.
 * A literal string here is refused with a message saying why.
 */
export const secretRefSchema = z
  .object(
    {
      env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name, e.g. ENERFLO_API_KEY' }),
    },
    {
      error: (issue) =>
        typeof issue.input === 'string'
          ? 'a literal secret is not allowed in the config; write { env: VARIABLE_NAME } and set that variable in the environment'
          : undefined,
    },
  )
  .strict();
export type SecretRef = z.infer<typeof secretRefSchema>;

/** Opaque vendor ids may be written as numbers or strings in YAML; both compare as strings. */
export const vendorIdSchema = z.union([z.string().min(1), z.number().int()]).transform((v) => String(v));

/** Said of anything but `{ env: NAME }` where a credential reference belongs; the value found is never shown. */
export function credentialMessage(path: readonly PropertyKey[]): string {
  const unshown = '(the value found is not shown: it may be the secret itself)';
  return path[path.length - 1] === 'env'
    ? `expected the name of an environment variable, e.g. ENERFLO_API_KEY ${unshown}`
    : `a literal secret is not allowed in the config; write { env: VARIABLE_NAME } and set that variable in the environment ${unshown}`;
}

/** Whether a config path lies inside a vendor's `credentials` map (`vendors.x.credentials.apiKey`, `….apiKey.env`). */
export function isCredentialPath(path: readonly PropertyKey[]): boolean {
  return path.includes('credentials');
}
