import { z } from 'zod';
import type { ResolvedPerson } from './model.js';

/** Person fields a vendor may leave as it has them (`unmanaged: [phone]`): none a vendor needs to create a user. */
export const leavableFields = ['phone', 'title', 'timezone'] as const;

/**
 * A person's own fields that may differ in one vendor (`people[].vendors.<kind>`): the name someone
 * goes by in HighLevel, or a phone that vendor should not get (`unmanaged: [phone]`). Applied to the
 * person before the vendor's mapping sees them, so no vendor needs to know.
 */
export const personOverrideShape = {
  firstName: z.string().min(1).optional().describe('First name in this vendor, where it differs'),
  lastName: z.string().min(1).optional().describe('Last name in this vendor, where it differs'),
  phone: z.string().min(1).optional().describe('Phone in this vendor, where it differs'),
  title: z.string().min(1).optional().describe('Job title in this vendor, where it differs'),
  timezone: z.string().min(1).optional().describe('IANA timezone in this vendor, where it differs'),
  unmanaged: z
    .array(z.enum(leavableFields))
    .optional()
    .describe('Fields roster leaves as this vendor has them (e.g. [phone] for a vendor that should keep none)'),
};

/** `people[].vendors.<kind>` as far as the person's own fields go. */
export type PersonOverrides = z.output<z.ZodObject<typeof personOverrideShape>>;

const overridableFields = ['firstName', 'lastName', 'phone', 'title', 'timezone'] as const;

/** The person as one vendor should see them: their per-vendor overrides laid over their own fields. */
export function personForVendor(person: ResolvedPerson, kind: string): ResolvedPerson {
  const raw = person.vendors?.[kind];
  if (raw === undefined) return person;
  // Parsed when the users files were loaded (vendorPersonSchema extends personOverrideShape), so they are
  // read as that shape rather than parsed again for every person of every plan.
  const own = raw as PersonOverrides;
  if (!(overridableFields.some((field) => own[field] !== undefined) || own.unmanaged?.length)) return person;
  const seen: ResolvedPerson = { ...person };
  for (const field of overridableFields) {
    const value = own[field];
    if (value !== undefined) seen[field] = value;
  }
  for (const field of own.unmanaged ?? []) delete seen[field];
  return seen;
}
