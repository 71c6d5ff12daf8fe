import { closeMatches } from './suggest.js';

const knownTimezones = (): string[] => Intl.supportedValuesOf('timeZone');

/**
 * A timezone as roster accepts it: the canonical IANA name, written as the tz database writes it.
 * Git holds exactly what is sent to vendors, so a name the runtime merely understands (`america/CHICAGO`,
 * the link `US/Pacific`, the withdrawn `US/Pacific-New`) is refused with the canonical name to write.
 */
export function isValidTimezone(name: string): boolean {
  return canonicalTimezone(name) === name;
}

/**
 * The canonical IANA name of a timezone the runtime knows, whatever the case or link it was written
 * with; undefined for a name it does not know. Node 20's ICU resolves links (`US/Pacific` to
 * `America/Los_Angeles`), but keeps some names IANA has since renamed (`Asia/Calcutta`): those are
 * mapped to the current IANA name (the `iana` attribute of CLDR's timezone.xml).
 */
export function canonicalTimezone(name: string): string | undefined {
  let canonical = canonicalByName.get(name);
  if (canonical === undefined) {
    canonical = runtimeCanonical(name) ?? null;
    canonicalByName.set(name, canonical);
  }
  return canonical ?? undefined;
}

/** Answers by name: building a DateTimeFormat per person was most of validating 100,000 people (npm run bench). */
const canonicalByName = new Map<string, string | null>();

/** Names IANA withdrew although runtimes may still resolve them: refused, not mapped. */
const WITHDRAWN = new Set(['us/pacific-new']);

/** `UTC` is how roster and the vendors write it; the tz database's `Etc/UTC` is the same zone. */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);

/** ICU's stable ids that IANA has renamed (CLDR common/bcp47/timezone.xml, `iana` attribute). */
const ICU_TO_IANA: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

function runtimeCanonical(name: string): string | undefined {
  if (UTC_NAMES.has(name)) return name;
  if (WITHDRAWN.has(name.toLowerCase())) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return ICU_TO_IANA[resolved] ?? resolved;
}

/** The problem with a timezone name roster does not accept, for a diagnostic. */
export function timezoneMessage(name: string): string {
  const canonical = canonicalTimezone(name);
  if (canonical === undefined) return `unknown timezone "${name}"`;
  return canonical.toLowerCase() === name.toLowerCase()
    ? `timezone "${name}" is not written as the tz database writes it`
    : `"${name}" is an old or alias name (a link) of the timezone ${canonical}`;
}

/** The hint for a timezone name roster does not accept: the canonical name to write, or the known names closest to it. */
export function timezoneHint(name: string): string {
  const canonical = canonicalTimezone(name);
  if (canonical !== undefined) return `write ${canonical}: the canonical IANA name, which is what roster sends to vendors`;
  if (WITHDRAWN.has(name.toLowerCase())) return 'this name was withdrawn from the tz database (2020b); use America/Los_Angeles';
  const close = closeMatches(name, knownTimezones().map((known) => ICU_TO_IANA[known] ?? known));
  return close.length ? `did you mean ${close.join(' or ')}?` : 'use an IANA name such as America/Chicago';
}
