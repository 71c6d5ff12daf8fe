import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { canonicalE164 } from '../../src/config/phone-fast.js';
import { toE164 } from '../../src/config/phone.js';

/** What libphonenumber itself answers: the reference the shortcut must equal. */
const reference = (value: string, region: CountryCode) => {
  const parsed = parsePhoneNumberFromString(value.trim(), region);
  return parsed?.isValid() ? parsed.number : undefined;
};

/** A seeded generator (mulberry32), so a failure names an input that fails again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (next: () => number, count: number) => Array.from({ length: count }, () => String(Math.floor(next() * 10))).join('');

/**
 * For every country libphonenumber knows: its example mobile number in E.164, that number with its last
 * digits changed (valid and invalid neighbours), one digit shorter and longer, with a national prefix
 * or a 0 or 1 put in front of the national number, and random digits after its calling code.
 */
function numbers(): string[] {
  const next = random(26);
  const out = new Set<string>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const national = (examples as Record<string, string>)[country];
    if (national) {
      out.add(`+${code}${national}`);
      for (let i = 0; i < 40; i++) {
        const keep = national.length - 1 - Math.floor(next() * Math.min(4, national.length - 1));
        out.add(`+${code}${national.slice(0, keep)}${digits(next, national.length - keep)}`);
      }
      out.add(`+${code}${national.slice(0, -1)}`);
      out.add(`+${code}${national}${digits(next, 1)}`);
      for (const prefix of ['0', '1', '00', '8']) out.add(`+${code}${prefix}${national}`);
    }
    for (let i = 0; i < 20; i++) out.add(`+${code}${digits(next, 4 + Math.floor(next() * 14))}`);
  }
  // North America, which most people in the fixtures and the bench are in: every area code, at random.
  for (let i = 0; i < 20_000; i++) out.add(`+1${digits(next, 10)}`);
  for (let i = 0; i < 2_000; i++) out.add(`+1${digits(next, 7 + Math.floor(next() * 6))}`);
  // The shapes roster's own fixtures and the bench write.
  for (let i = 0; i < 1_000; i++) out.add(`+1512${String(2_000_000 + i * 997).padStart(7, '0')}`);
  for (const fixed of ['+15125550100', '+15125550199', '+18885550100', '+16025550100', '+442079460958', '+447700900123', '+4402079460958', '+1234567890', '+0123456789', '+800123456789', '+88213456789', '+979123456789'])
    out.add(fixed);
  // Random lengths and calling codes, including none.
  for (let i = 0; i < 5_000; i++) out.add(`+${1 + Math.floor(next() * 9)}${digits(next, 2 + Math.floor(next() * 19))}`);
  return [...out];
}

describe('canonicalE164 (the E.164 shortcut in front of libphonenumber)', () => {
  const all = numbers();
  const regions: CountryCode[] = ['US', 'GB', 'CA', 'DE', 'IN', 'AG'];

  it('answers exactly what libphonenumber answers whenever it answers, over every country', () => {
    let answered = 0;
    const wrong: string[] = [];
    for (const number of all) {
      for (const region of regions) {
        const fast = canonicalE164(number, region);
        if (fast === undefined) continue;
        answered++;
        if (fast !== reference(number, region)) wrong.push(`${number} in ${region}: ${fast} against ${reference(number, region)}`);
      }
    }
    expect(wrong).toEqual([]);
    // It must apply to more than a handful of numbers to be worth having.
    expect(answered).toBeGreaterThan(all.length);
  }, 120_000);

  it('leaves to libphonenumber what it cannot vouch for, and toE164 then gives libphonenumber’s answer', () => {
    for (const number of all) {
      if (canonicalE164(number, 'US') === undefined) expect.soft(toE164(number), number).toBe(reference(number, 'US'));
      else expect.soft(toE164(number), number).toBe(number);
    }
  }, 120_000);

  it('reads a spaced-out number as libphonenumber does, whether or not its E.164 has been seen', () => {
    const next = random(2026);
    const spaced = (number: string) => {
      const national = number.slice(2);
      const parts = [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
      return [
        `+1 ${parts.join(' ')}`,
        `+1 (${parts[0]}) ${parts[1]}-${parts[2]}`,
        `+1.${parts.join('.')}`,
        `+1-${parts.join('-')}`,
        `(${parts[0]}) ${parts[1]}-${parts[2]}`,
        `${parts.join('-')}`,
        `1 ${parts.join(' ')}`,
        `+1\t${parts.join(' ')}`,
        `+1 ${parts.join('\n')}`,
        `+1\u00a0${parts.join(' ')}`,
        `+1 ${parts.join(' ')} 7`,
        `+1 ${parts.join(' ')}.`,
        `(${parts[0]}) ${parts[1]}-${parts[2]} x7`,
        `${national.slice(0, 1)} ${national.slice(1)}`,
      ];
    };
    const plusOne = all.filter((number) => /^\+1\d{10}$/.test(number) && next() < 0.06);
    const twice: string[] = [];
    for (const number of plusOne) for (const variant of spaced(number)) twice.push(variant);
    for (const number of ['+442079460958', '+447400123456', '+4402079460958']) twice.push(`${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`, `${number.slice(0, 3)} (0)${number.slice(3)}`);
    // First before its E.164 is known anywhere, then after toE164 has read the number itself.
    for (const variant of twice) expect.soft(toE164(variant), JSON.stringify(variant)).toBe(reference(variant, 'US'));
    for (const number of plusOne) toE164(number);
    for (const variant of twice) expect.soft(toE164(variant), JSON.stringify(variant)).toBe(reference(variant, 'US'));
    expect(twice.length).toBeGreaterThan(10_000);
  }, 120_000);

  it('takes the shortcut for the numbers roster sees most: valid US and British numbers in E.164', () => {
    for (const number of ['+15125550100', '+15122000001', '+14155550123', '+442079460958', '+447400123456']) {
      expect(reference(number, 'US'), number).toBe(number);
      expect(canonicalE164(number, 'US'), number).toBe(number);
    }
  });

  it('never vouches for an invalid, non-canonical or oddly written number', () => {
    const declined = [
      '+1 512 555 0100', // spaces: libphonenumber reads it, but not this shortcut
      '+1-512-555-0100',
      '15125550100', // no +
      '+1512555010', // a digit short
      '+151255501000', // a digit long
      '+11512555010', // a national prefix after the country code
      '+15125550100 ', // not trimmed (toE164 trims first)
      '+15125550100x7',
      '+015125550100',
      '+1555', // too short
      '+10005550100', // no area code starts 0 or 1
      '+800123456789', // non-geographic
      '+4402079460958', // British trunk 0 after +44: libphonenumber strips it, the shortcut leaves it
      '+１5125550100', // a full-width digit
      '',
      '+',
    ];
    for (const number of declined) expect(canonicalE164(number, 'US'), number).toBeUndefined();
    // Valid, but +1 613 is Canada's: libphonenumber tries the other +1 countries after the US; so does toE164.
    expect(canonicalE164('+16135550123', 'US')).toBeUndefined();
    expect(toE164('+16135550123')).toBe('+16135550123');
    // Shaped like a British mobile, but in no range libphonenumber knows (Ofcom's drama numbers).
    expect(canonicalE164('+447700900123', 'US')).toBeUndefined();
    expect(toE164('+447700900123')).toBeUndefined();
    // An unknown default region: libphonenumber's answer, whatever it is, is not the shortcut's to give.
    expect(canonicalE164('+15125550100', 'ZZ')).toBeUndefined();
  });
});
