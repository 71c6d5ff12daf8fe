import type { ApplyContext, DesiredRecord, LiveRecord, VendorWriter } from './types.js';

/** What an adapter whose users leave by an active flag implements (Enerflo, Pulse, SimplePin). */
export interface FlagAdapter {
  create(desired: DesiredRecord, ctx: ApplyContext): Promise<{ vendorId: string }>;
  update(vendorId: string, desired: DesiredRecord, changedFields: string[], ctx: ApplyContext, expected?: LiveRecord): Promise<void>;
  deactivate(vendorId: string, live: LiveRecord): Promise<void>;
  reactivate(vendorId: string, desired: DesiredRecord, changedFields: string[], ctx: ApplyContext, expected?: LiveRecord): Promise<void>;
}

/**
 * The writer of such an adapter: its own methods, and a removal that clears the flag and can set it again.
 * `lookup` finds a person after a create whose answer was lost (by email, or by the key the create sent).
 */
export function flagWriter(adapter: FlagAdapter, lookup: (desired: DesiredRecord) => Promise<LiveRecord | undefined>): VendorWriter {
  return {
    create: (desired, ctx) => adapter.create(desired, ctx),
    update: (vendorId, desired, changed, ctx, expected) => adapter.update(vendorId, desired, changed, ctx, expected),
    removal: {
      kind: 'flag',
      deactivate: (vendorId, live) => adapter.deactivate(vendorId, live),
      reactivate: (vendorId, desired, changed, ctx, expected) => adapter.reactivate(vendorId, desired, changed, ctx, expected),
    },
    lookup,
  };
}
