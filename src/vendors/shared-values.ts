/**
 * One copy of each value that repeats across a listing (role lists, office and location ids, time zones,
 * scopes), for the live records of one listing: 100,000 users carry a handful of distinct ones, and a copy
 * per user was tens of MB of a plan's peak at 100,000 people (issue 26). Lists are frozen, as they are
 * shared; nothing changes a live record's lists in place.
 */
export class SharedValues {
  private readonly texts = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  text(value: string): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    this.texts.set(value, value);
    return value;
  }

  /** The shared frozen copy of a list equal to `values` (same strings, same order). */
  list(values: string[]): string[] {
    const key = JSON.stringify(values);
    const known = this.lists.get(key);
    if (known) return known as string[];
    const list = Object.freeze(values.map((value) => this.text(value)));
    this.lists.set(key, list);
    return list as string[];
  }
}
