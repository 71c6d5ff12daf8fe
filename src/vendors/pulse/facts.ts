import assert from 'node:assert/strict';
import type { VendorFact } from '../facts.js';

export const facts: VendorFact[] = [
  {
    source: 'shared/vendors/README.md, Pulse CRM: every call sends x-account-id (seed: required)',
    fact: 'every request the adapter sends after logging in carries the x-account-id header',
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).list();
      const sent = ctx.sent(emulator);
      assert.ok(sent.length >= 2, 'a login and at least one listing request');
      for (const request of sent.slice(1)) assert.ok(request.headers['x-account-id'], `${request.method} ${request.path} has no x-account-id`);
    },
  },
];
