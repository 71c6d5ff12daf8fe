/** How slashed dates in an export are read; ISO (YYYY-MM-DD) is always read. */
export type SlashedDates = 'MM/DD/YYYY' | 'DD/MM/YYYY';

const pad = (n: number) => String(n).padStart(2, '0');

function valid(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2200) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * An HR date as YYYY-MM-DD: `2026-12-14` (a time after it, as some exports add, is ignored) or
 * `12/14/2026` (`14/12/2026` with DD/MM/YYYY). Anything else, two-digit years and impossible days
 * included, is undefined: the row is reported, never guessed at.
 */
export function parseHrDate(value: string, slashed: SlashedDates): string | undefined {
  const v = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(v);
  if (iso) return valid(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const slash = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (!slash) return undefined;
  const [a, b, year] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
  return slashed === 'MM/DD/YYYY' ? valid(year, a, b) : valid(year, b, a);
}
