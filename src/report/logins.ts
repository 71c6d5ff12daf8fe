import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

/*
 * Which GitHub login is which person: git knows people by email, reviews by login. A file maps them
 * (`--github-logins FILE`, YAML or JSON: `login: email`). A login with no entry counts as a person when it
 * is their email's local part, letters and digits only (`jane-doe` for jane.doe@acme.com): a guess that errs
 * towards flagging self-approval, never towards hiding it.
 */

const loginsSchema = z.record(z.string().min(1), z.email());

export type LoginMap = Map<string, string>;

export async function readLogins(file: string | undefined): Promise<LoginMap> {
  if (!file) return new Map();
  let raw: unknown;
  try {
    raw = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--github-logins ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = loginsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`--github-logins ${file}: expected "login: email" lines (${parsed.error.issues[0]?.message})`);
  return new Map(Object.entries(parsed.data).map(([login, email]) => [login.toLowerCase(), email.toLowerCase()]));
}

const letters = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether `login` is the person with this key (lower-cased email). */
export function isPersonLogin(logins: LoginMap, login: string, key: string): boolean {
  const mapped = logins.get(login.toLowerCase());
  if (mapped !== undefined) return mapped === key;
  const local = key.slice(0, key.lastIndexOf('@'));
  return local.length > 0 && letters(login) === letters(local);
}
