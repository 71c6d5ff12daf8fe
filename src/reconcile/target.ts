import type { VendorInstanceConfig } from '../config/schema.js';
import type { EmailChange, FieldSpec, RemovalKind, VendorReader, VendorWriter } from './records.js';

/*
 * What the engine plans and applies against. It is built above the engine (src/compose/targets.ts builds
 * the HTTP client, credentials and pacing); the engine only reads it, so it never imports HTTP.
 */
/**
 * What the engine reads of a vendor module: the fields it diffs, how a user leaves, what an email change
 * becomes. Composition hands the whole module (src/vendors/types.ts VendorModule has all of these), and
 * keeps its type through `VendorTarget<VendorModule>`; the engine never needs more.
 */
export interface VendorTraits {
  kind: string;
  title: string;
  fields: FieldSpec[];
  removal: RemovalKind;
  emailChange(config: VendorInstanceConfig): EmailChange;
}

/** One configured vendor instance, ready to plan against, or the reason it cannot be. */
export interface VendorTarget<M extends VendorTraits = VendorTraits> {
  name: string;
  config: VendorInstanceConfig;
  module: M;
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
export type PlanTarget<M extends VendorTraits = VendorTraits> = Omit<VendorTarget<M>, 'writer'>;

/** The writers apply gets, by instance name: those of the targets that could be built. */
export function writersOf(targets: VendorTarget<VendorTraits>[]): Map<string, VendorWriter> {
  const writers = new Map<string, VendorWriter>();
  for (const target of targets) if (target.writer) writers.set(target.name, target.writer);
  return writers;
}
