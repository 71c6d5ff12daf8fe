/**
 * Errors an adapter throws from `list()` when the vendor's listing cannot be trusted as a whole: it
 * changed while it was read (a user moved between pages, the total shifted), it ran short of the
 * vendor's own total, or it claims more pages than its total allows. The engine lists such a vendor
 * once more and, if the second listing is no better, fails that vendor alone with this message and
 * plans nothing for it. Imports nothing, so adapters and the engine may both use it.
 */
export class ListingChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListingChangedError';
  }
}

export function isListingChangedError(error: unknown): error is ListingChangedError {
  return error instanceof ListingChangedError || (error instanceof Error && error.name === 'ListingChangedError');
}
