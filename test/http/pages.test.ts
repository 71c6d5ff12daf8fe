import { describe, expect, it } from 'vitest';
import { pageReader } from '../../src/http/pages.js';

/** A paged list of `pages` pages whose every answer says how many there are; `asked` logs requests. */
function list(pages: () => number) {
  const asked: number[] = [];
  const fetch = async (index: number) => {
    asked.push(index);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (index >= pages()) throw new Error(`page ${index} does not exist`);
    return { index, pages: pages() };
  };
  return { asked, fetch };
}

describe('pageReader', () => {
  it('asks for the next pages while one is read, and for no page that does not exist', async () => {
    const vendor = list(() => 5);
    const next = pageReader({ fetch: vendor.fetch, pageCount: (a) => a.pages, ahead: 2 });
    expect(await next()).toEqual({ index: 0, pages: 5 });
    expect(vendor.asked).toEqual([0, 1, 2]);
    const read = [];
    for (let i = 1; i < 5; i++) read.push((await next()).index);
    expect(read).toEqual([1, 2, 3, 4]);
    expect(vendor.asked).toEqual([0, 1, 2, 3, 4]);
  });

  it('asks one page at a time while the answers do not say how many there are', async () => {
    const vendor = list(() => 3);
    const next = pageReader({ fetch: vendor.fetch, pageCount: () => undefined });
    await next();
    expect(vendor.asked).toEqual([0]);
    await next();
    expect(vendor.asked).toEqual([0, 1]);
  });

  it('follows a count that grows, and drops what is in flight when the reader stops', async () => {
    let pages = 2;
    const vendor = list(() => pages);
    const next = pageReader({ fetch: vendor.fetch, pageCount: (a) => a.pages, ahead: 2 });
    await next();
    expect(vendor.asked).toEqual([0, 1]);
    pages = 6;
    await next();
    expect(vendor.asked).toEqual([0, 1, 2, 3]);
    // Stopping here leaves pages 2 and 3 unread; their answers (or failures) go nowhere.
  });

  it('passes a failure on when the caller reads that page, not before', async () => {
    const vendor = list(() => 3);
    let fail = false;
    const next = pageReader({
      fetch: (index) => (fail && index === 2 ? Promise.reject(new Error('page 2 failed')) : vendor.fetch(index)),
      pageCount: (a) => a.pages,
      ahead: 1,
    });
    await next();
    fail = true;
    expect((await next()).index).toBe(1);
    await expect(next()).rejects.toThrow('page 2 failed');
  });
});
