import type { FieldValue, ImportedUser, LiveRecord, VendorImporter } from '../types.js';

const str = (value: FieldValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** `salesRep` → `sales-rep`. */
const words = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * A Pulse live user in roster's terms. Pulse keeps one `name`; mapping.ts writes it back as
 * `firstName lastName`, so the first word is the first name and the rest the last name, which joins
 * back to the same text. The team is the office.
 */
export function pulseImported(live: LiveRecord): ImportedUser {
  const f = live.fields;
  const user: ImportedUser = {};
  const name = str(f.name)?.trim().replace(/\s+/g, ' ');
  if (name) {
    const space = name.indexOf(' ');
    if (space === -1) user.firstName = name;
    else {
      user.firstName = name.slice(0, space);
      user.lastName = name.slice(space + 1);
    }
  }
  const phone = str(f.phone);
  if (phone) user.phone = phone;
  const team = str(f.team);
  if (team) user.office = { id: `team-${team}`, mapping: { teamId: /^\d{1,15}$/.test(team) ? Number(team) : team } };
  const roles = Array.isArray(f.roles) ? [...new Set(f.roles.map(String))].sort() : [];
  if (roles.length > 0) {
    user.role = { roles };
    user.roleLabel = roles.map(words).join('-');
  }
  return user;
}

export const pulseImporter: VendorImporter = { fromLive: pulseImported };
