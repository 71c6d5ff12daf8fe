/*
 * Data only, no logic: Pulse's budget, shared by the adapter side (index.ts) and the emulator so neither
 * copies it by hand. Everything that interprets it is written on each side (shared/vendors/README.md,
 * rule 2: the emulator is an independent witness).
 */

/** Inferred default: the docs give no limit. 120 requests a minute per credential (shared/vendors/README.md). */
export const PULSE_RATE_LIMIT: Readonly<{ limit: number; windowMs: number }> = Object.freeze({ limit: 120, windowMs: 60_000 });
