import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { writersOf } from '../../src/reconcile/target.js';
import { buildPlan } from '../../src/compose/plan.js';
import { connectVendors, type Connection } from '../../src/compose/connect.js';
import { repoRoot } from '../helpers/workspace.js';

/** What a trace line must hold, parsed as any data crossing a process boundary is. */
const traceLineSchema = z
  .object({
    at: z.iso.datetime(),
    vendor: z.string(),
    method: z.string(),
    url: z.url(),
    ms: z.number().min(0),
    status: z.number().int().optional(),
    error: z.string().optional(),
    requestHeaders: z.record(z.string(), z.string()),
    requestBody: z.unknown().optional(),
    responseHeaders: z.record(z.string(), z.string()).optional(),
    responseBody: z.unknown().optional(),
    responseTruncated: z.boolean().optional(),
  })
  .strict();

/** Every string under a key matching `name`, anywhere in a value (emulator states, fixtures). */
function stringsUnder(value: unknown, name: RegExp, found = new Set<string>(), key = ''): Set<string> {
  if (value instanceof Map) for (const [k, v] of value) stringsUnder(v, name, found, String(k));
  else if (Array.isArray(value)) for (const item of value) stringsUnder(item, name, found, key);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) stringsUnder(v, name, found, k);
  else if (typeof value === 'string' && value.length >= 4 && name.test(key)) found.add(value);
  return found;
}

/** The national digits of a phone in any spelling: `5125550100` as `(512) 555-0100`, `512.555.0100`, `+15125550100`. */
function phonePattern(phone: string): RegExp | undefined {
  const digits = phone.replace(/\D/g, '').slice(-10);
  return digits.length < 10 ? undefined : new RegExp(digits.split('').join('[\\s().-]*'));
}

describe('--trace', () => {
  let dir: string | undefined;
  let connection: Connection | undefined;
  afterEach(async () => {
    await connection?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    connection = dir = undefined;
  });

  it('records every exchange of a sandbox apply with no credential, token, password or unmasked phone', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-trace-'));
    const traceFile = path.join(dir, 'trace.jsonl');
    const org = await loadOrganisation(path.join(repoRoot, 'roster.yaml'));
    connection = await connectVendors(org, { sandbox: true, trace: traceFile });
    const plan = await buildPlan(org, connection.targets);
    const report = await applyPlan(plan, { writers: writersOf(connection.targets), concurrency: () => 4 });
    expect(report.summary.failed).toBe(0);
    expect(report.summary.succeeded).toBeGreaterThan(10);
    const emulators = [...connection.sandbox!.emulators.values()];
    const requestsSent = emulators.reduce((n, e) => n + e.requests.length, 0);
    const states = emulators.map((e) => e.state);
    await connection.close();

    const text = await readFile(traceFile, 'utf8');
    const lines = text.trim().split('\n').map((line) => traceLineSchema.parse(JSON.parse(line)));
    // Every exchange is there, writes included, with status, timing, headers and bodies.
    expect(lines.length).toBe(requestsSent);
    expect(new Set(lines.map((l) => l.vendor))).toEqual(new Set(['enerflo', 'highlevel', 'pulse', 'partner']));
    const create = lines.find((l) => l.vendor === 'highlevel' && l.method === 'POST' && l.status === 201);
    expect(create?.requestBody).toMatchObject({ password: '***' });
    expect(lines.every((l) => l.responseHeaders && typeof l.requestHeaders.accept === 'string')).toBe(true);

    const credentials = Object.values(connection.sandbox!.env);
    const tokens = stringsUnder(states, /^(token|sessions)$|token$/i);
    const passwords = stringsUnder(states, /password/i);
    // Sessions are keyed by their token: the Map keys are tokens too.
    for (const state of states) {
      const sessions = (state as { sessions?: Map<string, unknown> }).sessions;
      for (const token of sessions?.keys() ?? []) tokens.add(token);
    }
    expect(credentials.length).toBe(6);
    expect(tokens.size).toBeGreaterThan(0);
    expect(passwords.size).toBeGreaterThan(0);
    for (const secret of [...credentials, ...tokens, ...passwords]) expect(text, 'a secret in the trace').not.toContain(secret);
    expect(text).not.toMatch(/Bearer (?!\*\*\*)/);

    const phones = new Set([...stringsUnder(states, /phone/i), ...org.people.flatMap((p) => (p.phone ? [p.phone] : []))]);
    expect(phones.size).toBeGreaterThan(5);
    for (const phone of phones) {
      const pattern = phonePattern(phone);
      if (pattern) expect(text, `phone ${phone} unmasked in the trace`).not.toMatch(pattern);
    }
    // Phones were there, masked: the trace still tells numbers apart by their last four digits.
    expect(text).toMatch(/\+1 ••• ••• \d{4}/);
  });
});
