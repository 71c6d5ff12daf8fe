/*
 * Data only, no logic: SimplePin's budget, shared by the adapter side (index.ts) and the emulator so
 * neither copies it by hand. Everything that interprets it is written on each side (shared/vendors/README.md,
 * rule 2: the emulator is an independent witness).
 */

/** Inferred budget (the documents give none, shared/vendors/README.md): 120 requests a minute per company key. */
export const PARTNER_RATE_LIMIT: Readonly<{ limit: number; windowMs: number }> = Object.freeze({ limit: 120, windowMs: 60_000 });
