import { describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson, ResolvedRole } from '../../src/config/model.js';
import { partner } from '../../src/vendors/partner/index.js';
import { partnerConfig, sandboxFixture } from './partner-helpers.js';

const source = { file: 'users/x.yaml', line: 1, col: 1 };
const role = (key: string, partnerRole?: string): ResolvedRole =>
  ({ key, source, ...(partnerRole ? { partner: { role: partnerRole } } : {}) }) as unknown as ResolvedRole;

function person(extra: Partial<ResolvedPerson> & Record<string, unknown> = {}): ResolvedPerson {
  return {
    key: 'kevin.brown@sunpath.example',
    email: 'Kevin.Brown@sunpath.example',
    firstName: 'Kevin',
    lastName: 'Brown',
    active: true,
    roles: [role('customer-care', 'CUSTOMER_CARE')],
    source,
    ...extra,
  } as ResolvedPerson;
}

const org = {} as Organisation;
const config = partnerConfig('http://127.0.0.1:1');

describe('partner mapping', () => {
  it('is undefined for a person none of whose roles maps onto the partner API', () => {
    expect(partner.desired(person({ roles: [role('sales-rep')] }), org, config)).toBeUndefined();
  });

  it('maps names, role, phone, timezone and title; leaves undeclared fields out so they are never cleared', () => {
    const full = partner.desired(
      person({ phone: '+15125550162', timezone: 'America/Chicago', title: 'Care Agent', externalId: 'HR-9' }),
      org,
      config,
    )!;
    expect(full).toMatchObject({
      key: 'kevin.brown@sunpath.example',
      email: 'Kevin.Brown@sunpath.example',
      active: true,
      externalId: 'HR-9',
      dependsOn: [],
      fields: { firstName: 'Kevin', lastName: 'Brown', role: 'CUSTOMER_CARE', phone: '+15125550162', timezone: 'America/Chicago', title: 'Care Agent' },
    });
    expect(full.pinnedId).toBeUndefined();
    const bare = partner.desired(person(), org, config)!;
    expect(Object.keys(bare.fields).sort()).toEqual(['firstName', 'lastName', 'role']);
    expect(bare.externalId).toBeUndefined();
  });

  it('takes the pinned id and the user_code override from vendors.partner', () => {
    const record = partner.desired(person({ externalId: 'HR-9', vendors: { partner: { id: '5002', userCode: 'PARTNER-7' } } }), org, config)!;
    expect(record.pinnedId).toBe('5002');
    expect(record.externalId).toBe('PARTNER-7');
  });

  it('picks the least privileged role, whatever the order, when roles disagree', () => {
    const roles = [role('regional-manager', 'MANAGER'), role('accounting', 'ACCOUNTING'), role('customer-care', 'CUSTOMER_CARE')];
    expect(partner.desired(person({ roles }), org, config)!.fields.role).toBe('CUSTOMER_CARE');
    expect(partner.desired(person({ roles: [...roles].reverse() }), org, config)!.fields.role).toBe('CUSTOMER_CARE');
    expect(partner.desired(person({ roles: [role('regional-manager', 'MANAGER'), role('accounting', 'ACCOUNTING')] }), org, config)!.fields.role).toBe('ACCOUNTING');
  });

  it('carries an offboarded person as inactive', () => {
    expect(partner.desired(person({ active: false }), org, config)!.active).toBe(false);
  });
});

describe('partner module', () => {
  it('declares the token credential and points the sandbox at the company the sandbox token owns', () => {
    expect(partner.credentialFields).toEqual(['token']);
    expect(partner.sandbox.credentials).toEqual({ token: 'sandbox-partner-token' });
    expect(partner.sandbox.configFor(sandboxFixture())).toEqual({ companyId: '1001' });
    expect(partner.rateLimit).toEqual({ limit: 120, windowMs: 60_000 });
  });
});
