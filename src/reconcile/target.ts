import type { VendorInstanceConfig } from '../config/schema.js';
import type { VendorAdapter, VendorModule } from '../vendors/types.js';

/*
 * What the engine plans and applies against. It is built above the engine (src/compose/targets.ts builds
 * the HTTP client, credentials and pacing); the engine only reads it, so it never imports HTTP.
 */
/** One configured vendor instance, ready to plan against, or the reason it cannot be. */
export interface VendorTarget {
  name: string;
  config: VendorInstanceConfig;
  module: VendorModule;
  adapter?: VendorAdapter;
  /** Set when the instance is misconfigured (a missing credential, say): it fails on its own. */
  setupError?: string;
  /** Requests this target's adapter has sent. */
  counter: { requests: number };
}
