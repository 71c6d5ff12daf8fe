import { describe, expect, it } from 'vitest';
import { renderOperation } from '../../src/render/markdown-operation.js';
import type { OperationView } from '../../src/reconcile/types.js';

/** The comment shows what a declaration changes in the vendor's words, alike on both sides of a change. */
describe('vendor values in the PR comment', () => {
  const update = (field: string, before: unknown, after: unknown): OperationView =>
    ({ action: 'update', key: 'a@acme.example', vendorId: '1', changes: [{ field, before, after }], dependsOn: [] }) as unknown as OperationView;

  it('labels role names on neither side when one of them has no roster key of its own', () => {
    // `Sales Rep` is shared by two roster roles (no label), `Setter` belongs to team-lead alone.
    const labels = { Setter: 'team-lead', 'Regional Manager': 'regional-manager' };
    const md = renderOperation(update('roles', ['Sales Rep'], ['Sales Rep', 'Setter']), [], labels, []);
    expect(md).toContain('| roles | Sales Rep | Sales Rep, Setter |');
    expect(md).not.toContain('team-lead');
    // When every role name on both sides has its key, both sides are labelled.
    const both = renderOperation(update('roles', ['Setter'], ['Regional Manager']), [], labels, []);
    expect(both).toContain('| roles | team-lead \\(Setter\\) | regional-manager \\(Regional Manager\\) |');
  });

  it('shows a long role list change with the before column holding the before value, not a placeholder', () => {
    const labels = { salesManager: 'regional-manager', salesRep: 'sales-rep' };
    const md = renderOperation(update('roles', ['salesRep'], ['salesManager']), [], labels, []);
    expect(md).not.toContain('words changed');
    expect(md).toMatch(/\| roles \| [^|]*sales-rep \\\(salesRep\\\)[^|]* \| [^|]*regional-manager \\\(salesManager\\\)[^|]* \|/);
  });

  it('names the few flags a role turns off instead of listing every default that is on, never cut mid-word', () => {
    const flags = Object.fromEntries(Array.from({ length: 38 }, (_, i) => [`flag${String(i).padStart(2, '0')}Enabled`, i !== 3 && i !== 17]));
    const create = { action: 'create', key: 'a@acme.example', changes: [{ field: 'permissions', after: flags }], dependsOn: [] } as unknown as OperationView;
    const md = renderOperation(create, [], {}, []);
    expect(md).toContain('| permissions | all 38 on except: flag03Enabled, flag17Enabled |');
    expect(md).not.toContain('…');
  });
});
