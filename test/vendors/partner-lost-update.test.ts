import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import type { PartnerEmulatorState } from '../../src/vendors/partner/emulator.js';
import type { LiveRecord } from '../../src/vendors/types.js';
import { partnerAdapter, startPartner } from './partner-helpers.js';

/*
 * SimplePin's update carries the whole model (published.md, update-user), so resending it blindly after a
 * lost answer overwrites whatever changed in between. In front of the emulator, a small proxy loses the
 * answer of the first update: `before` runs in place of the vendor acting on it (an administrator
 * suspending the user meanwhile, say), and the connection is cut without an answer.
 */

interface Proxy {
  url: string;
  posts: () => number;
  close: () => Promise<void>;
}

async function losingProxy(target: string, lose: { before?: () => void; forwardFirst?: boolean }): Promise<Proxy> {
  let posts = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const isUpdate = req.method === 'POST' && (req.url ?? '').includes('/update');
    if (isUpdate) posts++;
    const forward = () =>
      fetch(`${target}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined });
    if (isUpdate && posts === 1) {
      if (lose.forwardFirst) await forward();
      lose.before?.();
      req.socket.destroy();
      return;
    }
    const answer = await forward();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SimplePin whole-model update whose answer is lost', () => {
  let emulator: Emulator;
  let proxy: Proxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await emulator?.close();
    proxy = undefined;
  });

  async function setUp(lose: { before?: (state: PartnerEmulatorState) => void; forwardFirst?: boolean }) {
    ({ emulator } = await startPartner());
    const state = emulator.state as PartnerEmulatorState;
    proxy = await losingProxy(emulator.url, { forwardFirst: lose.forwardFirst, before: () => lose.before?.(state) });
    const adapter = partnerAdapter(proxy.url);
    const expected = (await adapter.read({ key: 'x', email: '', pinned: 'HR-1001' })) as LiveRecord;
    const desired = { key: expected.email, email: expected.email, active: true, fields: { ...expected.fields, title: 'Renamed by git' }, dependsOn: [] };
    const stored = () => state.users.find((u) => u.user_code === 'HR-1001')!;
    return { adapter, expected, desired, stored };
  }

  it('the user was suspended meanwhile: no resend, and the failure names the field', async () => {
    const { adapter, expected, desired, stored } = await setUp({ before: (state) => (state.users.find((u) => u.user_code === 'HR-1001')!.state = 'INACTIVE') });
    await expect(adapter.update('HR-1001', desired, ['title'], { vendorIdFor: () => undefined }, expected)).rejects.toThrow(
      /the answer to the update of HR-1001 was lost .*not as the plan expected \(active \(true when planned, false now\)\); not sent again/,
    );
    expect(proxy!.posts()).toBe(1);
    expect(stored().state).toBe('INACTIVE');
    expect(stored().account_title).not.toBe('Renamed by git');
  });

  it('nothing changed meanwhile and the update never landed: it is sent once more', async () => {
    const { adapter, expected, desired, stored } = await setUp({});
    await adapter.update('HR-1001', desired, ['title'], { vendorIdFor: () => undefined }, expected);
    expect(proxy!.posts()).toBe(2);
    expect(stored().account_title).toBe('Renamed by git');
    expect(stored().state).toBe('ACTIVE');
  });

  it('the update landed and only its answer was lost: done, not sent again', async () => {
    const { adapter, expected, desired, stored } = await setUp({ forwardFirst: true });
    await adapter.update('HR-1001', desired, ['title'], { vendorIdFor: () => undefined }, expected);
    expect(proxy!.posts()).toBe(1);
    expect(stored().account_title).toBe('Renamed by git');
  });

  it('without the user the plan expected, a lost answer is a failure, never a blind resend', async () => {
    const { adapter, desired } = await setUp({});
    await expect(adapter.update('HR-1001', desired, ['title'], { vendorIdFor: () => undefined })).rejects.toThrow('not sent again');
    expect(proxy!.posts()).toBe(1);
  });
});
