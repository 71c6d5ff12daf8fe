import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { canonicalE164 } from './phone-fast.js';

/**
 * Valid E.164 numbers libphonenumber has already read in this process. Reading one costs tens of
 * microseconds of regular expressions, and a plan reads every phone twice: once from git, once as
 * the vendor holds it (often the very E.164 roster sent, or it spaced out as "+1 512-555-0100").
 */
const known = new Set<string>();
const KNOWN_LIMIT = 1_000_000;

/**
 * A number written with nothing but digits, spaces, dots, dashes and brackets, perhaps after a `+`:
 * what libphonenumber itself takes for punctuation (constants.js VALID_PUNCTUATION), so it reads the
 * number as its digits alone. A space, not any white space: with a tab or a line break in it,
 * libphonenumber reads no number at all (test/config/phone-fast.test.ts).
 */
const PLAIN = /^\+?[\d ().-]+$/;

/**
 * The E.164 a plainly written number means, if it is valid: `+` and its digits for an international
 * one; for a US one, `+1` and its ten digits (eleven with the leading 1). Anything else (another
 * country's national form, with its trunk prefixes) is left to libphonenumber.
 */
function plainlyWritten(value: string, region: CountryCode): string | undefined {
  if (!PLAIN.test(value)) return undefined;
  const digits = value.replace(/\D/g, '');
  if (value.startsWith('+')) return `+${digits}`;
  if (region !== 'US') return undefined;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return undefined;
}

/**
 * A phone number in E.164 (`+15125550100`), or undefined when it is not a valid number. A number
 * without a country code is read as `region`'s. A plainly written number whose E.164 was already
 * read as valid is that number again, without a second parse.
 */
export function toE164(value: string, region: CountryCode = 'US'): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  // Written in E.164 already, and valid by libphonenumber's own metadata: the same answer, without its
  // parse. Not remembered: the check below finds it again as cheaply, without 100,000 entries to keep.
  const canonical = canonicalE164(trimmed, region);
  if (canonical !== undefined) return canonical;
  const compact = plainlyWritten(trimmed, region);
  if (compact !== undefined && (known.has(compact) || canonicalE164(compact, region) !== undefined)) return compact;
  const parsed = parsePhoneNumberFromString(trimmed, region);
  if (!parsed?.isValid()) return undefined;
  remember(parsed.number);
  return parsed.number;
}

function remember(e164: string): void {
  if (known.size >= KNOWN_LIMIT) known.clear();
  known.add(e164);
}

/**
 * How to write a phone roster can read. The examples are patterns, not numbers: anything shaped like a
 * phone number is masked where others read the output (a GitHub annotation, a CI log), which would
 * turn a concrete example into `+1 ••• ••• 0100` and take the help away.
 */
export const PHONE_FORMS = 'with its area code, as (AAA) NNN-NNNN, or in international form: + and the country code first, as +CC and the number';
