/**
 * One copy of each value that repeats across a listing (role lists, office and location ids, time zones,
 * scopes), for the live records of one listing: 100,000 users carry a handful of distinct ones, and a copy
 * per user was tens of MB of a plan's peak at 100,000 people (issue 26). Lists are frozen, as they are
 * shared; nothing changes a live record's lists in place.
 */
export class SharedValues {
  private readonly texts = new Map<string, string>();
  /**
   * Lists by their values, one level per position: looking a list up walks its few values, with no key
   * built for it (a JSON key per list was the largest part of decoding a 10,000-user listing, issue 26).
   */
  private readonly lists: ListNode = {};

  text(value: string): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    this.texts.set(value, value);
    return value;
  }

  /** The shared frozen copy of a list equal to `values` (same strings, same order). */
  list(values: readonly string[]): string[] {
    let node = this.lists;
    for (let i = 0; i < values.length; i++) {
      const next = (node.next ??= new Map()).get(values[i]);
      if (next) node = next;
      else node.next.set(values[i], (node = {}));
    }
    return (node.list ??= Object.freeze(values.map((value) => this.text(value)))) as string[];
  }

  /**
   * The shared list of `values` without repeats, sorted (Enerflo's roles): a list of none or one value
   * is already both, and needs neither a Set nor a sort.
   */
  sortedSet(values: readonly string[]): string[] {
    return this.list(values.length < 2 ? values : [...new Set(values)].sort());
  }
}

/**
 * `compute` of an object (a role, an office), worked out once per object: thousands of people share each,
 * and the answer is the same for all of them (issue 26). Weakly held, so an organisation that goes takes
 * its answers with it. An answer should be frozen where it is an object, as every caller shares it.
 */
export function oncePer<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}

/** One position of SharedValues' lists: the list that ends here, and the lists that go on by their next value. */
interface ListNode {
  list?: readonly string[];
  next?: Map<string, ListNode>;
}
