/**
 * The personal values roster has actually seen (a SimplePin answer's `date_of_birth` and `ssn`, the phones
 * of the people a plan changes), kept for the life of the process so free text can be checked against
 * them: a vendor that echoes a birth date in an error message, a trace or JSON, in whatever format, is
 * caught by its value, while the dates a log needs (starts, ends, schedules) stay readable. Values are kept
 * normalised: dates as YYYY-MM-DD, SSNs and phones as their digits, kept as numbers (`digitsKey`).
 */

const dates = new Set<string>();
const ssns = new Set<number>();
const phones = new Set<number>();

/**
 * Digits as a number, a leading 1 keeping their count ("0123" and "123" differ): a SimplePin plan read by key
 * remembers 100,000 SSNs and the load as many phones, and a number is a fraction of a string's size in a Set
 * (issue 26). An SSN's nine digits need no leading 1 (always nine) and stay a small integer.
 */
const digitsKey = (digits: string): number => Number(`1${digits}`);
const ssnKey = (digits: string): number => Number(digits);

export type KnownKind = 'phone' | 'ssn' | 'dateOfBirth' | 'email';

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const valid = (y: number, m: number, d: number) => y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
const iso = (y: number, m: number, d: number) => (valid(y, m, d) ? [`${y}-${pad(m)}-${pad(d)}`] : []);

/** Every day a date as printed could mean (`01/02/1990` is the 2nd of January or the 1st of February). */
export function daysOf(text: string): string[] {
  const t = text.trim().toLowerCase();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(t);
  if (m) return iso(+m[1], +m[2], +m[3]);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return iso(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/.exec(t);
  if (m) {
    const years = m[3].length === 4 ? [+m[3]] : [1900 + +m[3], 2000 + +m[3]];
    return years.flatMap((y) => [...iso(y, +m[1], +m[2]), ...iso(y, +m[2], +m[1])]);
  }
  const month = MONTH_NAMES.findIndex((name) => new RegExp(`\\b${name}`).test(t)) + 1;
  const year = /\b(\d{4})\b/.exec(t);
  const day = /\b(\d{1,2})(?:st|nd|rd|th)?\b/.exec(t.replace(/\b\d{4}\b/, ''));
  if (month && year && day) return iso(+year[1], month, +day[1]);
  return [];
}

/** Remembers one personal value, whatever its format; too short or unreadable values are left out. */
export function registerPersonalValue(kind: KnownKind, value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'number') return;
  const text = String(value);
  if (kind === 'dateOfBirth') for (const day of daysOf(text)) dates.add(day);
  const digits = text.replace(/\D/g, '');
  if (kind === 'ssn' && digits.length === 9) ssns.add(ssnKey(digits));
  if (kind === 'phone' && digits.length >= 7) phones.add(digitsKey(digits.slice(-10)));
}

/** The kind a field's name says it holds, where no FieldSpec declares one (render/mask.ts's personalKind too). */
export function kindByName(field: string): KnownKind | undefined {
  if (/phone|mobile|cell/i.test(field)) return 'phone';
  if (/ssn|social.?security|tax.?id/i.test(field)) return 'ssn';
  if (/birth|^dob$/i.test(field)) return 'dateOfBirth';
  return undefined;
}

/** Remembers every personal value in a record or answer, by the names of its fields, at any depth. */
export function registerPersonalFields(value: unknown, field?: string, depth = 0): void {
  if (depth > 16 || value === null || value === undefined) return;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) registerPersonalFields(value[i], field, depth + 1);
  else if (typeof value === 'object') {
    // for...in, not Object.entries: SimplePin runs this on every answer read by key, and an entries array per
    // answer (plus a pair per field) was 1.5 KB of garbage per read at 100,000 reads (issue 26).
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.hasOwn(record, key)) registerPersonalFields(record[key], key, depth + 1);
  } else if (field !== undefined) {
    const kind = cachedKindByName(field);
    if (kind) registerPersonalValue(kind, value);
  }
}

/** Field names repeat in every answer: their kind is worked out once (a bounded cache, names are few). */
const kindsByName = new Map<string, KnownKind | null>();
function cachedKindByName(field: string): KnownKind | undefined {
  let kind = kindsByName.get(field);
  if (kind === undefined) {
    kind = kindByName(field) ?? null;
    if (kindsByName.size < 1_000) kindsByName.set(field, kind);
  }
  return kind ?? undefined;
}

export const isKnownBirthDate = (printed: string): boolean => dates.size > 0 && daysOf(printed).some((day) => dates.has(day));
export const isKnownSsn = (printed: string): boolean => {
  if (ssns.size === 0) return false;
  const digits = printed.replace(/\D/g, '');
  return digits.length === 9 && ssns.has(ssnKey(digits));
};
export const isKnownPhone = (printed: string): boolean => {
  const digits = printed.replace(/\D/g, '');
  return phones.size > 0 && digits.length >= 7 && phones.has(digitsKey(digits.slice(-10)));
};
export const anyKnown = (): boolean => dates.size + ssns.size + phones.size > 0;

/** For tests: forget everything seen. */
export function forgetPersonalValues(): void {
  dates.clear();
  ssns.clear();
  phones.clear();
}

/**
 * The declared people's personal values (phones, and anything a vendor override names as personal),
 * remembered when the organisation is loaded: checked by value in every masked output from then on.
 */
export function rememberDeclaredPeople(people: Iterable<{ phone?: string; vendors?: unknown }>): void {
  for (const person of people) {
    if (person.phone) registerPersonalValue('phone', person.phone);
    if (person.vendors) registerPersonalFields(person.vendors);
  }
}
