import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../bench/generate.js';
import { loadBenchVendors } from '../../bench/vendors.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import type { Organisation } from '../../src/config/model.js';
import type { VendorInstanceConfig } from '../../src/config/schema.js';
import { buildPlan } from '../../src/compose/plan.js';
import type { PlanTarget } from '../../src/reconcile/target.js';
import { touchedKeys } from '../../src/desired/touched.js';
import { partner } from '../../src/vendors/partner/index.js';
import type { ReadKey, VendorReader } from '../../src/vendors/types.js';
import { partnerAdapter, startPartner } from '../vendors/partner-helpers.js';

/*
 * A pull request's plan reads, in a vendor read by key, only the people the change touches: a 5-person
 * change in a 1,000-person organisation (the benchmark's, managers every 50 people, ten offices) reads
 * those people and the reports of a changed manager, against the SimplePin emulator over HTTP.
 */

const PEOPLE = 1_000;
let dir: string;
let base: Organisation;
let fixture: unknown;
const partnerProfile = (await loadBenchVendors()).find((v) => v.kind === 'partner')!;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'roster-touched-'));
  const org = await generateOrg(path.join(dir, 'base'), PEOPLE, [partnerProfile]);
  fixture = org.fixtures.partner;
  base = await loadOrganisation(org.configFile);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the base with `edit` applied to the text of users/people/people-0000.yaml (or users/org.yaml). */
async function head(name: string, edit: (people: string, org: string) => { people?: string; org?: string }): Promise<Organisation> {
  const to = path.join(dir, name);
  await cp(path.join(dir, 'base'), to, { recursive: true });
  const peopleFile = path.join(to, 'users/people/people-0000.yaml');
  const orgFile = path.join(to, 'users/org.yaml');
  const changed = edit(await readFile(peopleFile, 'utf8'), await readFile(orgFile, 'utf8'));
  if (changed.people !== undefined) await writeFile(peopleFile, changed.people);
  if (changed.org !== undefined) await writeFile(orgFile, changed.org);
  return loadOrganisation(path.join(to, 'roster.yaml'));
}

/** Sets `field` of the person with `email` in a generated people file. */
function setField(text: string, index: number, field: string, value: string): string {
  const start = text.indexOf(`  - email: person${index}@bench.example\n`);
  const end = text.indexOf('  - email:', start + 1);
  const block = text.slice(start, end === -1 ? undefined : end);
  const edited = block.includes(`    ${field}:`) ? block.replace(new RegExp(`    ${field}: .*\n`), `    ${field}: ${value}\n`) : `${block}    ${field}: ${value}\n`;
  return text.slice(0, start) + edited + (end === -1 ? '' : text.slice(end));
}

const target = (config?: VendorInstanceConfig): PlanTarget => ({
  name: 'partner',
  config: config ?? base.config.vendors.partner,
  module: partner,
  counter: { requests: 0 },
});

const keys = (indexes: number[]) => new Set(indexes.map((i) => `person${i}@bench.example`));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('which people a change touches', () => {
  it('nothing changed: nobody; moving a person to another file is no change', async () => {
    const moved = await head('moved', (people) => {
      const start = people.indexOf('  - email: person7@bench.example\n');
      const end = people.indexOf('  - email:', start + 1);
      const block = people.slice(start, end);
      return { people: people.slice(0, start) + people.slice(end) + block };
    });
    expect(touchedKeys(base, base, target())).toEqual(new Set());
    expect(touchedKeys(base, moved, target())).toEqual(new Set());
  });

  it('a 5-person change touches those people and the reports of the manager who changed', async () => {
    const changed = await head('five', (people) => {
      let text = setField(people, 3, 'lastName', 'Renamed');
      text = setField(text, 17, 'phone', '"+15125550117"');
      text = setField(text, 60, 'roles', '[manager]');
      text = setField(text, 120, 'manager', 'person50@bench.example');
      // person100 manages 101-149: their manager changes phone, so their records may name it.
      text = setField(text, 100, 'firstName', 'Chief');
      return { people: text };
    });
    const touched = touchedKeys(base, changed, target())!;
    expect(touched).toEqual(keys([3, 17, 60, 120, ...range(100, 149)]));
  });

  it('a changed office touches its people', async () => {
    const office = await head('office', (_people, org) => ({ org: org.replace('name: "Dallas"', 'name: "Dallas North"') }));
    const dallas = base.people.filter((p) => p.office?.key === 'dallas').map((p) => p.key);
    expect(dallas.length).toBeGreaterThan(0);
    const touched = touchedKeys(base, office, target())!;
    for (const key of dallas) expect(touched.has(key)).toBe(true);
    expect(touched.size).toBeLessThan(PEOPLE / 2);
  });

  it('a new person is touched; changed vendor settings touch everyone', async () => {
    const added = await head('added', (people) => ({ people: `${people}  - email: newhire@bench.example\n    firstName: New\n    lastName: Hire\n    office: austin\n    roles: [sales-rep]\n    manager: person0@bench.example\n` }));
    expect(touchedKeys(base, added, target())).toEqual(new Set(['newhire@bench.example']));
    const settings = await head('settings', () => ({}));
    settings.config.vendors.partner = { ...settings.config.vendors.partner, concurrency: 9 };
    expect(touchedKeys(base, settings, target())).toBeUndefined();
    // A run-time override of the target (--sandbox's URL) is not a change of the declared settings.
    expect(touchedKeys(base, base, target({ ...base.config.vendors.partner, baseUrl: 'http://127.0.0.1:9' }))).toEqual(new Set());
  });
});

describe('a pull request plan against SimplePin reads what the change touches', () => {
  it('reads 51 of 1,000 people over HTTP, and plans the change for them alone', async () => {
    const changed = await head('plan', (people) => ({ people: setField(setField(people, 3, 'lastName', 'Renamed'), 100, 'firstName', 'Chief') }));
    const { emulator } = await startPartner(fixture);
    try {
      const adapter = partnerAdapter(emulator.url);
      const reads: string[] = [];
      const byKey = adapter.reader as Extract<VendorReader, { mode: 'byKey' }>;
      const reader: VendorReader = { mode: 'byKey', read: (key: ReadKey) => (reads.push(key.key), byKey.read(key)) };
      const progress: [number, number][] = [];
      const plan = await buildPlan(changed, [{ ...target(), reader }], {}, { only: (t) => touchedKeys(base, changed, t), progress: (_vendor, done, total) => progress.push([done, total]) });
      const expected = keys([3, ...range(100, 149)]);
      expect(new Set(reads)).toEqual(expected);
      expect(reads).toHaveLength(expected.size);
      expect(progress.at(-1)).toEqual([expected.size, expected.size]);
      const vendor = plan.vendors[0];
      expect(vendor.errors).toEqual([]);
      expect(vendor.operations.map((op) => op.key).every((key) => expected.has(key))).toBe(true);
      expect(vendor.operations.find((op) => op.key === 'person3@bench.example')?.action).toBe('update');
      expect(vendor.notices[0].message).toMatch(/^read 51 of the 1000 people declared for partner; the others were not read this run/);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
