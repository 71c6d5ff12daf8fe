export interface PagesAheadOptions<T> {
  /** Requests the page at this 0-based position. */
  fetch: (index: number) => Promise<T>;
  /** How many pages there are in all, when this answer says so; undefined when it does not. */
  pageCount: (answer: T) => number | undefined;
  /** Pages asked for ahead of the one being read. */
  ahead?: number;
}

/**
 * Reads a paged list in order: each call answers the next page. Once an answer says how many pages
 * there are, the following ones are asked for while the caller reads this one, so the vendor prepares
 * page n+1 while roster parses and checks page n. Only pages the latest answer says exist are asked for
 * ahead, so a list that holds still costs exactly its pages. The caller stops by no longer calling;
 * what is still in flight then is dropped.
 */
export function pageReader<T>(options: PagesAheadOptions<T>): () => Promise<T> {
  const ahead = options.ahead ?? 2;
  const pending = new Map<number, Promise<T>>();
  let requested = 0;
  let index = 0;
  const request = () => {
    const answer = options.fetch(requested);
    // Read (or dropped) later; a page asked for ahead that fails only matters if the caller reads it.
    answer.catch(() => undefined);
    pending.set(requested++, answer);
  };
  return async () => {
    const at = index++;
    while (requested <= at) request();
    const answer = await pending.get(at)!;
    pending.delete(at);
    const count = options.pageCount(answer);
    if (count !== undefined) while (requested < Math.min(count, at + 1 + ahead)) request();
    return answer;
  };
}
