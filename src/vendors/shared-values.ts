/**
 * One copy of each value that repeats across a listing (role lists, office and location ids, time zones,
 * scopes), for the live records of one listing: 100,000 users carry a handful of distinct ones, and a copy
 * per user was tens of MB of a plan's peak at 100,000 people (issue 26). Lists are frozen, as they are
 * shared; nothing changes a live record's lists in place.
 */
export class SharedValues {
  private readonly texts = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();
  /** Lists of one value, by that value: most users have one role, one location, and no JSON key is built for them. */
  private readonly singles = new Map<string, readonly string[]>();
  private empty?: readonly string[];

  text(value: string): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    this.texts.set(value, value);
    return value;
  }

  /** The shared frozen copy of a list equal to `values` (same strings, same order). */
  list(values: readonly string[]): string[] {
    if (values.length === 0) return (this.empty ??= Object.freeze([])) as string[];
    if (values.length === 1) {
      const value = values[0];
      let single = this.singles.get(value);
      if (!single) this.singles.set(value, (single = Object.freeze([this.text(value)])));
      return single as string[];
    }
    const key = JSON.stringify(values);
    const known = this.lists.get(key);
    if (known) return known as string[];
    const list = Object.freeze(values.map((value) => this.text(value)));
    this.lists.set(key, list);
    return list as string[];
  }

  /**
   * The shared list of `values` without repeats, sorted (Enerflo's roles): a list of none or one value
   * is already both, and needs neither a Set nor a sort.
   */
  sortedSet(values: readonly string[]): string[] {
    return this.list(values.length < 2 ? values : [...new Set(values)].sort());
  }
}
