import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/config/phone.js';

const direct = (value: string) => {
  const parsed = parsePhoneNumberFromString(value.trim(), 'US');
  return parsed?.isValid() ? parsed.number : undefined;
};

describe('toE164', () => {
  it('reads national and international numbers as libphonenumber does, before and after a number is known', () => {
    const inputs = [
      '(512) 555-0100',
      '+15125550100',
      '512.555.0100',
      '1 (512) 555-0100',
      '1512555010',
      '(151) 255-5010',
      '0 20 7946 0958',
      '+1 512-555-0100',
      '+1 (512) 555.0100',
      '512 555 0100 ext. 7',
      '+44 20 7946 0958',
      '+44 (0)20 7946 0958',
      '+4402079460958',
      '+1 800 FLOWERS',
      '+1 555',
      '',
      'not a phone',
    ];
    const first = inputs.map((value) => toE164(value));
    const again = inputs.map((value) => toE164(value));
    expect(first).toEqual(inputs.map(direct));
    expect(again).toEqual(first);
    expect(first.slice(0, 4)).toEqual(['+15125550100', '+15125550100', '+15125550100', '+15125550100']);
  });

  it('reads a number without a country code in the region it is given', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('020 7946 0958')).toBeUndefined();
  });
});
