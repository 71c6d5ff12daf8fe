import { Metadata } from 'libphonenumber-js';

/*
 * A shortcut for the number people write most: already in E.164, `+`, the country code and the national
 * number, digits only. libphonenumber (`parsePhoneNumberFromString(text).isValid()`) takes 30-45 µs to
 * read one, most of it building the same regular expressions again for every number
 * (helpers/matchesEntirely.js compiles its pattern on each call); at 100,000 people that was a third of
 * what parsing the YAML costs. This file answers "valid, and its E.164 is the input itself" for such a
 * number, from libphonenumber's own metadata (the same min metadata its default export reads), with the
 * patterns compiled once. It never says "invalid": whatever it cannot vouch for goes to libphonenumber.
 *
 * What libphonenumber 1.13 does with `+CC` and national digits N (es6/parse.js and its helpers), and
 * where this follows it:
 * - extractCountryCallingCode: CC is the shortest prefix of 1-3 digits that is a calling code, and the
 *   number must not start `+0`. The same loop here.
 * - extractNationalNumber: the calling code's main country's national prefix for parsing may be cut off
 *   N. Here: no shortcut when that pattern matches at the start of N at all.
 * - getCountryByCallingCode: one country for CC is that country; for several, the first one (the main
 *   country) whose leading digits match, or, having none, whose number type N has. Here: only a main
 *   country without leading digits, and N must have one of its types, so it is chosen either way.
 * - isValid: with types in the metadata, N has a type of the chosen country (getNumberType): the same
 *   check. A type is the national number pattern, then FIXED_LINE or one of the other types, each with
 *   its own possible lengths (isNumberTypeEqualTo).
 * Non-geographic calling codes (+800, ...) and countries without types are left to libphonenumber.
 * test/config/phone-fast.test.ts compares this with libphonenumber over every country's numbers, valid,
 * near-miss and random.
 */

/** The numbering plan accessors of libphonenumber's Metadata (metadata.js) this file reads. */
interface NumberingPlan {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataAccess {
  hasCountry(country: string): boolean;
  hasCallingCode(code: string): boolean;
  isNonGeographicCallingCode(code: string): boolean;
  selectNumberingPlan(codeOrCountry: string): void;
  numberingPlan?: NumberingPlan;
}

/** getNumberType.js: FIXED_LINE first, then these, in its order. */
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

/** One calling code's main country, compiled: undefined when the shortcut does not apply to it. */
interface Plan {
  nationalNumber: RegExp;
  prefixForParsing?: RegExp;
  types: { pattern: RegExp; lengths?: number[] }[];
}

const metadata = new Metadata() as unknown as MetadataAccess;
const plans = new Map<string, Plan | undefined>();
const knownRegions = new Map<string, boolean>();

/** matchesEntirely.js, compiled once. */
const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);

function planOf(callingCode: string): Plan | undefined {
  if (plans.has(callingCode)) return plans.get(callingCode);
  let plan: Plan | undefined;
  if (!metadata.isNonGeographicCallingCode(callingCode)) {
    metadata.selectNumberingPlan(callingCode);
    const numbering = metadata.numberingPlan;
    if (numbering && numbering.hasTypes() && !numbering.leadingDigits()) {
      const prefix = numbering.nationalPrefixForParsing();
      const types: Plan['types'] = [];
      for (const name of TYPES) {
        const type = numbering.type(name);
        if (type?.pattern()) types.push({ pattern: entirely(type.pattern()), lengths: type.possibleLengths() });
      }
      plan = { nationalNumber: entirely(numbering.nationalNumberPattern()), prefixForParsing: prefix ? new RegExp(`^(?:${prefix})`) : undefined, types };
    }
  }
  plans.set(callingCode, plan);
  return plan;
}

/** `+`, a digit other than 0, then digits: at most 17 national digits (constants.js MAX_LENGTH_FOR_NSN) and 3 of country code. */
const CANONICAL = /^\+[1-9]\d{2,19}$/;

/**
 * `text` itself when it is a valid number written in E.164 that libphonenumber would read, with
 * `region` as the default country, as exactly that E.164; undefined when this cannot tell (not that it
 * is invalid: ask libphonenumber then).
 */
export function canonicalE164(text: string, region: string): string | undefined {
  if (!CANONICAL.test(text)) return undefined;
  let regionKnown = knownRegions.get(region);
  if (regionKnown === undefined) knownRegions.set(region, (regionKnown = metadata.hasCountry(region)));
  // libphonenumber refuses a default country it does not know, whatever the number.
  if (!regionKnown) return undefined;
  for (let end = 2; end <= 4; end++) {
    const callingCode = text.slice(1, end);
    if (!metadata.hasCallingCode(callingCode)) continue;
    const plan = planOf(callingCode);
    const national = text.slice(end);
    if (!plan || national.length < 2 || national.length > 17) return undefined;
    if (plan.prefixForParsing?.test(national)) return undefined;
    if (!plan.nationalNumber.test(national)) return undefined;
    for (const type of plan.types) {
      if (type.lengths && !type.lengths.includes(national.length)) continue;
      if (type.pattern.test(national)) return text;
    }
    return undefined;
  }
  return undefined;
}
