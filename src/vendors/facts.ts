import assert from 'node:assert/strict';
import type { Emulator, EmulatorOptions, RequestLogEntry } from '../sandbox/emulator-kit.js';
import type { DeleteRemoval, FlagRemoval, KeyReader, ListReader, VendorAdapter } from './types.js';

/**
 * One documented fact about a vendor's API, checked from both sides: the emulator must honour it when
 * driven over HTTP, and the adapter's requests (as the emulator received them, on the wire) must honour
 * it too. Each vendor folder keeps its rows in `facts.ts`; `test/vendors/conformance.test.ts` runs every
 * vendor's rows, so a fifth vendor adds rows, not a harness. Rows use `node:assert`, so they stay plain
 * data plus checks and never pull a test runner into the shipped code.
 */
export interface VendorFact {
  /** Where the fact is written, e.g. `published.md, Enerflo reference/add-a-user`. */
  source: string;
  /** The fact in one sentence, as the row's test name. */
  fact: string;
  /** Drives the emulator over HTTP and asserts that it behaves as the vendor documents. */
  emulator?: (ctx: FactContext) => Promise<void>;
  /** Drives the adapter against the emulator and asserts on the requests it sent. */
  adapter?: (ctx: FactContext) => Promise<void>;
}

export interface FactContext {
  /** A fresh copy of the vendor's shipped sandbox fixture (`<kind>/fixture.ts`, through `sandbox.fixture()`). */
  fixture(): Record<string, unknown>;
  /** Starts the vendor's emulator on 127.0.0.1 (the shipped fixture unless given); closed after the row. */
  start(fixture?: unknown, options?: EmulatorOptions): Promise<Emulator>;
  /** The credentials the sandbox emulator accepts, by credential field name. */
  credentials: Record<string, string>;
  /**
   * An adapter pointed at `emulator`, built as `plan` and `apply` build one: the instance config is the
   * sandbox's (with the schema's defaults) plus `settings`, so a row can flip a setting.
   */
  adapter(emulator: Emulator, settings?: Record<string, unknown>): VendorAdapter;
  /** The requests the emulator received since `from` (an index into `emulator.requests`), writes only if asked. */
  sent(emulator: Emulator, options?: { from?: number; writesOnly?: boolean }): RequestLogEntry[];
}

/*
 * The parts of an adapter a row drives, each asserted to be there: a vendor offers one way of reading
 * (a listing, or by key) and one way of removal (a flag, or delete), never stubs of the other.
 */
export function listing(adapter: VendorAdapter): ListReader {
  const { reader } = adapter;
  assert.ok(reader.mode === 'list', 'the adapter reads by key and has no listing');
  return reader;
}

export function byKey(adapter: VendorAdapter): KeyReader {
  const { reader } = adapter;
  assert.ok(reader.mode === 'byKey', 'the adapter lists its users and reads none by key');
  return reader;
}

export function flagRemoval(adapter: VendorAdapter): FlagRemoval {
  const { removal } = adapter.writer;
  assert.ok(removal.kind === 'flag', 'the adapter removes users by delete and has no deactivation');
  return removal;
}

export function deleteRemoval(adapter: VendorAdapter): DeleteRemoval {
  const { removal } = adapter.writer;
  assert.ok(removal.kind === 'delete', 'the adapter removes users by deactivation and never deletes');
  return removal;
}
