import type { EnerfloFixture } from '../../src/vendors/enerflo/emulator.js';

export const KEY = 'a1b2c3d4e5f6a7b8c9.12345678';
export const OTHER_KEY = 'ffffffffffffffffff.87654321';
export const OFFICE_ADMIN_KEY = '0123456789abcdef01.11111111';

/** A small tenant for tests: company 1 (ours, offices 101-103) and company 2 (someone else's). */
export function testFixture(): EnerfloFixture {
  return {
    companies: [
      {
        id: 1,
        name: 'Sunrise Solar',
        offices: [
          { id: 101, name: 'Austin' },
          { id: 102, name: 'Dallas' },
          { id: 103, name: 'Houston' },
        ],
      },
      { id: 2, name: 'Other EPC', offices: [{ id: 201, name: 'Phoenix' }] },
    ],
    apiKeys: [
      { key: KEY, company_id: 1, owner: 'admin@sunrise.example' },
      { key: OTHER_KEY, company_id: 2 },
      { key: OFFICE_ADMIN_KEY, company_id: 1, owner: 'office.admin@sunrise.example', owner_role: 'Office Admin' },
    ],
    users: [
      { id: 1001, company_id: 1, email: 'admin@sunrise.example', first_name: 'Ada', last_name: 'Admin', roles: ['Company Admin'] },
      {
        id: 1002,
        company_id: 1,
        email: 'maria.lopez@sunrise.example',
        first_name: 'Maria',
        last_name: 'Lopez',
        roles: ['Regional Manager'],
        office_ids: [101, 102],
        phone: '512-555-0101',
        timezone: 'America/Chicago',
      },
      {
        id: 1003,
        company_id: 1,
        email: 'sam.rep@sunrise.example',
        first_name: 'Sam',
        last_name: 'Rep',
        roles: ['Sales Rep'],
        office_ids: [101],
        manager_id: 1002,
        has_attributed_leads: true,
      },
      { id: 1004, company_id: 1, email: 'gone@sunrise.example', first_name: 'Gone', last_name: 'User', roles: ['Setter'], deleted_at: '2025-03-01T00:00:00Z' },
      { id: 2001, company_id: 2, email: 'elsewhere@other.example', first_name: 'Else', last_name: 'Where', roles: ['Sales Rep'] },
    ],
  };
}
