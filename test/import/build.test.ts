import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { VendorInstanceConfig } from '../../src/config/schema.js';
import { rosterSchemas } from '../../src/compose/organisation.js';
import { buildImport } from '../../src/import/build.js';
import { emptyDeclaredState, type DeclaredState, type ImportSource } from '../../src/import/model.js';
import { renderImport } from '../../src/import/render.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import { enerfloImporter } from '../../src/vendors/enerflo/import.js';
import { partner } from '../../src/vendors/partner/index.js';
import { partnerImporter } from '../../src/vendors/partner/import.js';
import { pulse } from '../../src/vendors/pulse/index.js';
import { pulseImporter } from '../../src/vendors/pulse/import.js';
import type { LiveRecord } from '../../src/vendors/types.js';

// The hooks are given here directly, so these tests do not depend on how index.ts wires them.
const modules = {
  enerflo: { ...enerflo, importer: enerfloImporter },
  pulse: { ...pulse, importer: pulseImporter },
  partner: { ...partner, importer: partnerImporter },
};
const policy = { prune: false, allowDelete: false, ignore: [], thresholds: { update: 0.3, deactivate: 0.3, minUsers: 10 } };
const config = (kind: string, extra: Record<string, unknown> = {}) =>
  ({ kind, baseUrl: 'http://127.0.0.1:1', policy, rateShare: 1, timeoutMs: 1000, concurrency: 1, allowInsecureHttp: false, ...extra }) satisfies VendorInstanceConfig;

function source(kind: keyof typeof modules, live: LiveRecord[], name: string = kind): ImportSource {
  return { name, module: modules[kind], config: config(kind), live };
}

const enerfloUser = (id: string, email: string, fields: Record<string, unknown> = {}, active = true): LiveRecord => ({
  vendorId: id,
  email,
  active,
  fields: {
    firstName: 'Maria',
    lastName: 'Gonzalez',
    phone: '5125550101',
    timezone: 'America/Chicago',
    roles: ['Sales Rep'],
    office: '101',
    officeIds: [],
    manager: null,
    externalId: null,
    canCreateLeads: true,
    optimusAccess: false,
    canReassignLeads: true,
    ...fields,
  },
});

const pulseUser = (id: string, email: string, fields: Record<string, unknown> = {}, active = true): LiveRecord => ({
  vendorId: id,
  email,
  active,
  fields: { name: 'Maria Gonzalez', phone: '+15125550101', team: '11', roles: ['salesRep'], ...fields },
});

const partnerUser = (id: string, email: string, fields: Record<string, unknown> = {}, extra: Partial<LiveRecord> = {}): LiveRecord => ({
  vendorId: id,
  email,
  active: true,
  fields: { firstName: 'Maria', lastName: 'Gonzalez', phone: '+15125550101', role: 'MANAGER', timezone: null, title: null, ...fields },
  ...extra,
});

const render = (sources: ImportSource[], declared: DeclaredState = emptyDeclaredState()) =>
  renderImport(buildImport(sources, declared), { schemaPath: '../schema/users.schema.json' });

describe('buildImport', () => {
  it('merges vendors into one person per email, case-insensitively, with one role per vendor', () => {
    const result = buildImport(
      [source('enerflo', [enerfloUser('1', 'Maria@Example.com')]), source('pulse', [pulseUser('9', 'maria@example.com')])],
      emptyDeclaredState(),
    );
    expect(result.people).toHaveLength(1);
    const [maria] = result.people;
    expect(maria).toMatchObject({ key: 'maria@example.com', email: 'Maria@Example.com', firstName: 'Maria', lastName: 'Gonzalez', phone: '+15125550101' });
    expect(maria.roles.map((r) => r.key)).toEqual(['enerflo-sales-rep', 'pulse-sales-rep']);
    // One office carries both vendors' ids, because Maria is in both.
    expect(result.offices).toHaveLength(1);
    expect(result.offices[0].key).toBe('enerflo-office-101');
    expect([...result.offices[0].mappings.keys()]).toEqual(['enerflo', 'pulse']);
    expect(maria.comments.size).toBe(0);
  });

  it('keeps the first vendor in roster.yaml order when vendors disagree, and says so on the line', () => {
    const yaml = render([
      source('enerflo', [enerfloUser('1', 'maria@example.com', { phone: '5125550199' })]),
      source('pulse', [pulseUser('9', 'maria@example.com', { name: 'Mary Gonzalez' })]),
    ]);
    expect(yaml).toContain('firstName: Maria # pulse has "Mary Gonzalez"; kept as its override under vendors.pulse');
    // Pulse keeps its own name, so the first plan changes nothing.
    expect(yaml).toMatch(/vendors:\n\s+pulse:\n\s+firstName: Mary/);
    expect(yaml).toContain('phone: "+15125550199" # pulse has "+15125550101"; kept as its override under vendors.pulse');
  });

  it("keeps a partner's own user code as vendors.partner.userCode instead of a conflict", () => {
    const result = buildImport(
      [
        source('enerflo', [enerfloUser('1', 'maria@example.com', { externalId: 'HR-1' })]),
        source('partner', [partnerUser('5', 'maria@example.com', {}, { externalId: 'P-77' })]),
      ],
      emptyDeclaredState(),
    );
    expect(result.people[0].externalId).toBe('HR-1');
    expect(result.people[0].vendors.partner).toEqual({ userCode: 'P-77' });
    expect(result.people[0].comments.has('externalId')).toBe(false);
  });

  it('reuses a declared role that means the same to the vendor, defaults spelled out or not', () => {
    const declared = emptyDeclaredState();
    const role = { key: 'sales-rep', enerflo: { roles: ['Sales Rep'], sendWelcomeEmail: false, canCreateLeads: true, optimusAccess: false, canReassignLeads: true } };
    declared.roles.push({ ...role, source: { file: 'users/roles.yaml', line: 1, col: 1 } });
    const result = buildImport([source('enerflo', [enerfloUser('1', 'maria@example.com'), enerfloUser('2', 'sam@example.com', { optimusAccess: true })])], declared);
    expect(result.people.map((p) => p.roles.map((r) => r.key))).toEqual([['sales-rep'], ['enerflo-sales-rep-optimus']]);
    expect(result.roles.map((r) => r.key)).toEqual(['enerflo-sales-rep-optimus']);
  });

  it('reuses a declared multi-vendor role only for people in every vendor it maps onto', () => {
    const declared = emptyDeclaredState();
    declared.roles.push({
      key: 'rep',
      enerflo: { roles: ['Sales Rep'], sendWelcomeEmail: false, canCreateLeads: true, optimusAccess: false, canReassignLeads: true },
      pulse: { roles: ['salesRep'] },
      source: { file: 'users/roles.yaml', line: 1, col: 1 },
    });
    const result = buildImport(
      [
        source('enerflo', [enerfloUser('1', 'both@example.com'), enerfloUser('2', 'only@example.com')]),
        source('pulse', [pulseUser('9', 'both@example.com')]),
      ],
      declared,
    );
    const roles = Object.fromEntries(result.people.map((p) => [p.key, p.roles.map((r) => r.key)]));
    // Giving "rep" to someone who is not in Pulse would create them there.
    expect(roles).toEqual({ 'both@example.com': ['rep'], 'only@example.com': ['enerflo-sales-rep'] });
  });

  it('reuses a declared office whose vendor ids match', () => {
    const declared = emptyDeclaredState();
    declared.offices.push({ key: 'austin', name: 'Austin', timezone: 'America/Chicago', enerflo: { officeId: '101' }, source: { file: 'x', line: 1, col: 1 } });
    const result = buildImport([source('enerflo', [enerfloUser('1', 'maria@example.com')])], declared);
    expect(result.offices).toHaveLength(0);
    expect(result.people[0].office?.key).toBe('austin');
    // The office's timezone is Maria's, so she does not repeat it.
    expect(result.people[0].timezone).toBeUndefined();
  });

  it('offboards people inactive everywhere, and leaves out the role of a vendor where an active person is inactive', () => {
    const result = buildImport(
      [
        source('enerflo', [enerfloUser('1', 'gone@example.com', {}, false), enerfloUser('2', 'moved@example.com', {}, false)]),
        source('pulse', [pulseUser('9', 'moved@example.com')]),
      ],
      emptyDeclaredState(),
    );
    const byKey = Object.fromEntries(result.people.map((p) => [p.key, p]));
    expect(byKey['gone@example.com'].active).toBe(false);
    expect(byKey['moved@example.com'].active).toBe(true);
    expect(byKey['moved@example.com'].roles.map((r) => r.key)).toEqual(['pulse-sales-rep']);
    expect(byKey['moved@example.com'].comments.get('roles')?.[0]).toContain('inactive in enerflo');
  });

  it('lists live users it cannot declare instead of dropping them', () => {
    const result = buildImport(
      [
        source('partner', [
          partnerUser('1', 'owner@example.com', { role: 'ACCOUNT_OWNER' }, { protectedReason: 'ACCOUNT_OWNER: never managed by roster' }),
          partnerUser('2', 'cher@example.com', { firstName: 'Cher', lastName: null }),
        ]),
        source('pulse', [pulseUser('3', 'norole@example.com', { roles: [] })]),
      ],
      emptyDeclaredState(),
    );
    expect(result.people).toHaveLength(0);
    expect(result.notImported.map((n) => [n.vendor, n.email])).toEqual([
      ['partner', 'cher@example.com'],
      ['pulse', 'norole@example.com'],
      ['partner', 'owner@example.com'],
    ]);
    expect(result.notImported.map((n) => n.reason).join('\n')).toMatch(/no last name[\s\S]*no Pulse role[\s\S]*ACCOUNT_OWNER/);
  });

  it('keeps a manager only when the manager is imported or declared', () => {
    const result = buildImport(
      [
        source('enerflo', [
          enerfloUser('1', 'boss@example.com', { roles: ['Regional Manager'] }),
          enerfloUser('2', 'rep@example.com', { manager: 'boss@example.com' }),
          enerfloUser('3', 'orphan@example.com', { manager: '#999' }),
        ]),
      ],
      emptyDeclaredState(),
    );
    const byKey = Object.fromEntries(result.people.map((p) => [p.key, p]));
    expect(byKey['rep@example.com'].manager).toBe('boss@example.com');
    expect(byKey['orphan@example.com'].manager).toBeUndefined();
  });
});

describe('the written file', () => {
  const sources = () => [
    source('enerflo', [
      enerfloUser('1', 'zoe@example.com', { firstName: 'Zoe', lastName: 'Adams', phone: null, timezone: null }),
      enerfloUser('2', 'adam@example.com', { firstName: 'Adam', lastName: 'Zed', roles: ['Regional Manager', 'Sales Rep'], officeIds: ['102'] }),
      enerfloUser('3', 'bea@example.com', { firstName: 'Bea', lastName: 'Young' }),
    ]),
    source('pulse', [pulseUser('9', 'bea@example.com', { name: 'Bea Young' }), pulseUser('8', 'cy@example.com', { name: 'Cy Xu', phone: null, team: null })]),
  ];

  it('carries the schema line, validates, and lists offices, roles, then people by email', () => {
    const yaml = render(sources());
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/users.schema.json');
    const data = parseDocument(yaml).toJS() as Record<string, unknown>;
    expect(rosterSchemas().usersFile.safeParse(data).success).toBe(true);
    expect(Object.keys(data)).toEqual(['offices', 'roles', 'people']);
    const emails = (data.people as { email: string }[]).map((p) => p.email);
    expect(emails).toEqual([...emails].sort());
    expect(emails).toEqual(['adam@example.com', 'bea@example.com', 'cy@example.com', 'zoe@example.com']);
  });

  it('reads like a person wrote it: no anchors, no empty keys, no nulls, the same twice', () => {
    const yaml = render(sources());
    expect(render(sources())).toBe(yaml);
    const body = yaml.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect(body).not.toMatch(/[&*][a-z0-9]+\b/i);
    expect(body).not.toMatch(/\{\s*\}|\[\s*\]|: null\b|: ~|: ""/);
    // Every key with nothing after the colon opens a non-empty nested block.
    const lines = body.split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(- )?[A-Za-z]+:\s*$/.test(line)) {
        const indent = line.search(/\S/);
        expect(lines[i + 1]?.search(/\S/) ?? -1, `"${line}" is empty`).toBeGreaterThan(indent);
      }
    });
  });

  it('writes the extra Regional Manager offices as a per-person override', () => {
    const data = parseDocument(render(sources())).toJS() as { people: { email: string; vendors?: unknown }[] };
    expect(data.people.find((p) => p.email === 'adam@example.com')?.vendors).toEqual({ enerflo: { officeIds: [102] } });
  });
});
