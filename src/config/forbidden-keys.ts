import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { formatPath } from './yaml-source.js';
import type { FieldPath, YamlSource } from './yaml-source.js';

/**
 * Keys that mean secrets or personal data. roster never sends these to a vendor, so there is no reason
 * for them to be in git, and every reason (a public history forever) for them not to be.
 */
const forbiddenKeys = new Map<string, string>([
  ['password', 'a password is a secret'],
  ['passwd', 'a password is a secret'],
  ['ssn', 'a social security number is sensitive personal data'],
  ['socialsecuritynumber', 'a social security number is sensitive personal data'],
  ['dateofbirth', 'a date of birth is personal data'],
  ['dob', 'a date of birth is personal data'],
  ['birthdate', 'a date of birth is personal data'],
  ['birthday', 'a date of birth is personal data'],
  ['ownership', 'an ownership share is sensitive personal data'],
  ['ownershipshare', 'an ownership share is sensitive personal data'],
  ['ownershippercent', 'an ownership share is sensitive personal data'],
  ['ownershippercentage', 'an ownership share is sensitive personal data'],
]);

/** The reason for each key as written (null: allowed). Every person repeats the same few keys. */
const reasonOfKey = new Map<string, string | null>();

/** Why `key` must not be in git, or undefined when it may be; compared as the text of the key, case and separators aside. */
export function forbiddenReason(key: string): string | undefined {
  let reason = reasonOfKey.get(key);
  if (reason === undefined) {
    reason = forbiddenKeys.get(key.toLowerCase().replace(/[\s_-]/g, '')) ?? null;
    if (reasonOfKey.size < 10_000) reasonOfKey.set(key, reason);
  }
  return reason ?? undefined;
}

/** Finds secret and personal-data keys anywhere in a users file, with their paths. */
export function findForbiddenKeys(source: YamlSource): { diagnostics: Diagnostic[]; paths: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const paths = new Set<string>();
  // The path of the node being walked, one stack for the whole walk: copied only for a finding.
  const at: PropertyKey[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const reason = forbiddenReason(key);
        if (reason) {
          const keyPath = [...at, key];
          paths.add(formatPath(keyPath));
          diagnostics.push(
            source.diagnostic(
              keyPath,
              `"${key}" must not be in git: ${reason}, and roster never sends it to any vendor`,
              'delete this field; keep secrets in a password manager and personal data in your HR system',
              { key: true },
            ),
          );
        } else {
          at.push(key);
          walk(pair.value);
          at.pop();
        }
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        at.push(i);
        walk(node.items[i]);
        at.pop();
      }
    }
  };
  walk(source.doc.contents);
  return { diagnostics, paths };
}

/** True when `path` is a forbidden key or lies under one (already reported, so zod need not repeat it). */
export function under(paths: Set<string>) {
  return (p: FieldPath) => {
    for (let n = p.length; n > 0; n--) if (paths.has(formatPath(p.slice(0, n)))) return true;
    return false;
  };
}
