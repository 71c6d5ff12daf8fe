import { z } from 'zod';

/**
 * The sandbox fixture format of the Pulse emulator (`pulseSandboxFixture` below is the built-in one). Users are global
 * identities (one email) with a membership per account, as the `user_added_to_account` /
 * `user_removed_from_account` events suggest; roles, team and the active flag belong to the
 * membership (inferred; see shared/vendors/README.md).
 */
const teamIdSchema = z.union([z.number().int(), z.string().min(1)]);

export const pulseFixtureSchema = z
  .object({
    /** Session lifetime; the docs give `expiresAt` but no duration (inferred default: one hour). */
    tokenTtlSeconds: z.number().positive().optional(),
    accounts: z
      .array(z.object({ accountId: z.string().min(1), accountName: z.string(), repcode: z.string().optional() }).strict())
      .min(1),
    apiKeys: z
      .array(
        z
          .object({
            apiKey: z.string().min(1),
            apiSecret: z.string().min(1),
            /** The account the key is attached to: its primary account. */
            accountId: z.string().min(1),
            /** Other accounts the key may select with x-account-id (child accounts). */
            extraAccounts: z.array(z.string()).default([]),
            /** Email of the user who created the key: `createdBy` of everything done with it. */
            user: z.string().min(1),
            permissions: z.array(z.string()),
          })
          .strict(),
      )
      .default([]),
    roles: z.array(z.object({ id: z.number().int(), name: z.string().min(1), permissions: z.array(z.string()) }).strict()),
    teams: z.array(z.object({ id: teamIdSchema, name: z.string(), accountId: z.string().min(1) }).strict()).default([]),
    users: z.array(
      z
        .object({
          id: z.number().int(),
          email: z.string().min(3),
          name: z.string().nullable().default(null),
          phone: z.string().nullable().default(null),
          imgSrc: z.string().nullable().default(null),
          /** An object, as the seed's User schema says (`type: object`). */
          notificationPreferences: z.record(z.string(), z.unknown()).default({}),
          /** Only for `{email, password}` logins in the sandbox; never returned. */
          password: z.string().optional(),
          createdBy: z.string().default('system'),
          createdAt: z.string().default('2025-01-01T00:00:00.000Z'),
          updatedBy: z.string().optional(),
          updatedAt: z.string().optional(),
          accounts: z.array(
            z
              .object({
                accountId: z.string().min(1),
                roles: z.array(z.string()).default([]),
                teamId: teamIdSchema.nullable().default(null),
                active: z.boolean().default(true),
                usersPrimaryAccount: z.boolean().default(false),
                accountAdmin: z.boolean().default(false),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export type PulseFixture = z.infer<typeof pulseFixtureSchema>;

export function parsePulseFixture(fixture: unknown): PulseFixture {
  const parsed = pulseFixtureSchema.safeParse(fixture);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid Pulse sandbox fixture: ${problems}`);
  }
  return parsed.data;
}

/** The account the key is attached to, for `configFor` and the sandbox credentials. */
export function sandboxAccountId(fixture: unknown, apiKey: string): string {
  const parsed = parsePulseFixture(fixture);
  const key = parsed.apiKeys.find((k) => k.apiKey === apiKey) ?? parsed.apiKeys[0];
  return key?.accountId ?? parsed.accounts[0].accountId;
}
