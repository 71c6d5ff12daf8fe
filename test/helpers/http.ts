import { expect } from 'vitest';
import { VendorHttpError } from '../../src/http/client.js';

/** The VendorHttpError a client call fails with (the test fails when it does not fail, or fails otherwise). */
export async function failure(promise: Promise<unknown>): Promise<VendorHttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VendorHttpError);
  return error as VendorHttpError;
}
