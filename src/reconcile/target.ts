import type { VendorInstanceConfig } from '../config/schema.js';
import type { VendorModule, VendorReader, VendorWriter } from '../vendors/types.js';

/*
 * What the engine plans and applies against. It is built above the engine (src/compose/targets.ts builds
 * the HTTP client, credentials and pacing); the engine only reads it, so it never imports HTTP.
 */
/** One configured vendor instance, ready to plan against, or the reason it cannot be. */
export interface VendorTarget {
  name: string;
  config: VendorInstanceConfig;
  module: VendorModule;
  /** What plan reads through; unset when the instance is misconfigured (then setupError says why). */
  reader?: VendorReader;
  /** What apply writes through, built with the reader; planning never gets it (PlanTarget). */
  writer?: VendorWriter;
  /** Set when the instance is misconfigured (a missing credential, say): it fails on its own. */
  setupError?: string;
  /** Requests this target's adapter has sent. */
  counter: { requests: number };
  /** The pace its rate limiter allows: ms until n more requests can have gone (apply's estimate of time left). */
  pacing?: { estimateMs(requests: number): number };
}

/** A target as planning takes it: without a writer, so the types show plan cannot write. */
export type PlanTarget = Omit<VendorTarget, 'writer'>;

/** The writers apply gets, by instance name: those of the targets that could be built. */
export function writersOf(targets: VendorTarget[]): Map<string, VendorWriter> {
  const writers = new Map<string, VendorWriter>();
  for (const target of targets) if (target.writer) writers.set(target.name, target.writer);
  return writers;
}
