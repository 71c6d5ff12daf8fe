import { closeMatches } from './suggest.js';

const knownTimezones = (): string[] => Intl.supportedValuesOf('timeZone');

/** An IANA timezone name the runtime knows (aliases such as `UTC` included). */
export function isValidTimezone(name: string): boolean {
  let valid = checkedTimezones.get(name);
  if (valid === undefined) {
    valid = runtimeKnows(name);
    checkedTimezones.set(name, valid);
  }
  return valid;
}

/** Answers by name: building a DateTimeFormat per person was most of validating 100,000 people (npm run bench). */
const checkedTimezones = new Map<string, boolean>();

function runtimeKnows(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The hint for an unknown timezone: the known names closest to it, or an example. */
export function timezoneHint(name: string): string {
  const close = closeMatches(name, knownTimezones());
  return close.length ? `did you mean ${close.join(' or ')}?` : 'use an IANA name such as America/Chicago';
}
