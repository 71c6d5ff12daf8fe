import { describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson, ResolvedRole } from '../../src/config/model.js';
import { partner } from '../../src/vendors/partner/index.js';
import { userCodeFromEmail } from '../../src/vendors/partner/mapping.js';
import { partnerConfig, sandboxFixture } from './partner-helpers.js';

const source = { file: 'users/x.yaml', line: 1, col: 1 };
const role = (key: string, partnerRole?: string): ResolvedRole =>
  ({ key, source, ...(partnerRole ? { partner: { role: partnerRole } } : {}) });

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
  };
}

const org = {} as Organisation;
const config = partnerConfig('http://127.0.0.1:1');

describe('SimplePin mapping', () => {
  it('is undefined for a person none of whose roles maps onto SimplePin', () => {
    expect(partner.desired(person({ roles: [role('sales-rep')] }), org, config)).toBeUndefined();
  });

  it('maps names, role, phone and title; leaves undeclared fields out so they are never cleared; never compares the timezone', () => {
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
      fields: { firstName: 'Kevin', lastName: 'Brown', role: 'CUSTOMER_CARE', phone: '+15125550162', title: 'Care Agent' },
    });
    // SimplePin's get answer has no time_zone_id: the timezone is sent, so it is in the record, but never compared.
    expect(full.fields.timezone).toBe('America/Chicago');
    expect(partner.fields.find((field) => field.name === 'timezone')?.writeOnly).toBe(true);
    expect(full.pinnedId).toBeUndefined();
    const bare = partner.desired(person(), org, config)!;
    expect(Object.keys(bare.fields).sort()).toEqual(['firstName', 'lastName', 'role']);
  });

  it('creates with the externalId as user_code, or a stable code from the email when there is none', () => {
    expect(partner.desired(person({ externalId: 'HR-9' }), org, config)!.externalId).toBe('HR-9');
    const derived = partner.desired(person(), org, config)!.externalId!;
    expect(derived).toMatch(/^rst-[0-9a-f]{16}$/);
    expect(derived).toBe(userCodeFromEmail('KEVIN.BROWN@sunpath.example'));
    expect(derived).not.toBe(userCodeFromEmail('kevin.b@sunpath.example'));
  });

  it('always takes the email code with userCodeFrom: email', () => {
    const byEmail = partnerConfig('http://127.0.0.1:1', { userCodeFrom: 'email' });
    expect(partner.desired(person({ externalId: 'HR-9' }), org, byEmail)!.externalId).toBe(userCodeFromEmail('kevin.brown@sunpath.example'));
  });

  it('pins the person to the userCode of vendors.partner: read and matched by it', () => {
    const record = partner.desired(person({ externalId: 'HR-9', vendors: { partner: { userCode: 'HAND-7' } } }), org, config)!;
    expect(record.pinnedId).toBe('HAND-7');
    expect(record.externalId).toBe('HAND-7');
  });

  it('picks the least privileged role, whatever the order, when roles disagree', () => {
    const roles = [role('regional-manager', 'MANAGER'), role('accounting', 'ACCOUNTING'), role('customer-care', 'CUSTOMER_CARE')];
    expect(partner.desired(person({ roles }), org, config)!.fields.role).toBe('CUSTOMER_CARE');
    expect(partner.desired(person({ roles: [...roles].reverse() }), org, config)!.fields.role).toBe('CUSTOMER_CARE');
    expect(partner.desired(person({ roles: [role('regional-manager', 'MANAGER'), role('accounting', 'ACCOUNTING')] }), org, config)!.fields.role).toBe('ACCOUNTING');
  });

  it('carries an offboarded person as inactive (they are still read, so deactivation works)', () => {
    expect(partner.desired(person({ active: false }), org, config)!.active).toBe(false);
  });
});

describe('SimplePin module', () => {
  it('declares two credentials, the Authorization and Token keys, and a sandbox that reads by key unless its fixture lists', () => {
    expect(partner.title).toBe('SimplePin');
    expect(partner.credentialFields).toEqual(['authorizationKey', 'token']);
    expect(partner.sandbox.credentials).toEqual({ authorizationKey: 'sandbox-simplepin-authorization-key', token: 'sandbox-simplepin-token' });
    // Read by key, the account owner is the probe: a user known to exist, so a 404 can mean "absent" (issue 24).
    expect(partner.sandbox.configFor(sandboxFixture())).toEqual({ probeUserCode: 'OWNER-1001' });
    expect(partner.sandbox.configFor({ ...sandboxFixture(), options: { listEndpoint: true } })).toEqual({ listPath: '/v2/user/list' });
    expect(partner.rateLimit).toEqual({ limit: 120, windowMs: 60_000 });
  });
});
