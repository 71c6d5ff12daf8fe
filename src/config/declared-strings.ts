/**
 * The strings of declared values, copied out of their files' text, one copy of each where they repeat.
 *
 * V8 keeps a substring of 13 characters or more as a view of its parent, and the YAML parser cuts
 * every value out of the file's text, so one email kept in the organisation would keep its whole users
 * file (20 MB of text at 100,000 people); shorter substrings are copies already. Names, role and office
 * keys, timezones and managers repeat from person to person, so those fields share one copy per value.
 */
export class DeclaredStrings {
  private static readonly repeating = new Set(['firstName', 'lastName', 'title', 'timezone', 'office', 'roles', 'manager']);
  private readonly shared = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  /** `value` with every string in it replaced by its own copy, or the shared one, in place. */
  own<T>(value: T, repeating = false): T {
    if (typeof value === 'string') return (repeating ? this.share(value) : this.copy(value)) as T;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.own(value[i], repeating);
    } else if (value && typeof value === 'object') {
      const fields = value as Record<string, unknown>;
      for (const field of Object.keys(fields)) fields[field] = this.own(fields[field], DeclaredStrings.repeating.has(field));
    }
    return value;
  }

  /** One list for every person with the same role keys: a declared value is only read, never changed. */
  list(texts: string[]): string[] {
    const id = JSON.stringify(texts);
    let shared = this.lists.get(id);
    if (shared === undefined) this.lists.set(id, (shared = texts));
    return shared;
  }

  /** `text`, no longer a view into the text it was cut from. */
  copy(text: string): string {
    return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
  }

  private share(text: string): string {
    let shared = this.shared.get(text);
    if (shared === undefined) {
      shared = this.copy(text);
      this.shared.set(shared, shared);
    }
    return shared;
  }
}
