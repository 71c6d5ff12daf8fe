/*
 * Data only, no logic: what HighLevel's documents state, shared by the adapter side and the emulator so
 * neither has to copy a number by hand. Everything that interprets these values is written twice, once
 * on each side (shared/vendors/README.md, rule 2: the emulator is an independent witness).
 */

/**
 * The burst budget: "Burst: 100 requests per 10 seconds" per app and resource (enerflo-highlevel.md §2.5;
 * published.md, HighLevel "Rate limits"). The adapter paces to it and the emulator refuses beyond it.
 */
export const HIGHLEVEL_RATE: Readonly<{ limit: number; windowMs: number }> = Object.freeze({ limit: 100, windowMs: 10_000 });

/** The daily budget: 200,000 requests a day per app and resource (published.md, HighLevel "Rate limits"). */
export const HIGHLEVEL_DAILY_LIMIT = 200_000;
