import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { buildTargets } from '../../src/compose/targets.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { buildPlan } from '../../src/compose/plan.js';
import type { PlanTarget } from '../../src/compose/targets.js';
import { sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

// Planning needs a vendor's reader and what its module declares, never its writer: a target without
// one plans against the Enerflo emulator exactly as a full target does, and nothing is written.

describe('a plan made from a reader alone', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;

  it('creates who is missing and updates who differs, as with the whole target, sending no write', async () => {
    const config = await sampleConfig();
    workspace = await workspaceForTest({ ...config, users: 'users' }, {
      ...(await sampleOfficesAndRoles()),
      'people.yaml': {
        people: [
          // Live in the fixture as Maria Gonzalez: her last name differs.
          { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez Ruiz', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' },
          // Not live: a create.
          { email: 'nina.new@sunpath.example', firstName: 'Nina', lastName: 'New', roles: ['sales-rep'], office: 'austin' },
        ],
      },
    });
    const org = await loadOrganisation(workspace.configFile);
    sandbox = await sandboxForTest(org.config, { only: ['enerflo'] });
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(org.config.vendors[name], override);
    const [built] = buildTargets(org, { only: ['enerflo'], env: sandbox.env });
    expect(built.reader).toBeDefined();

    // Only the reading side: the object holds no writer at all.
    const readOnly: PlanTarget = { name: built.name, config: built.config, module: built.module, reader: built.reader, counter: built.counter };
    expect(readOnly).not.toHaveProperty('writer');

    const plan = await buildPlan(org, [readOnly]);
    const [vendor] = plan.vendors;
    expect(vendor.errors).toEqual([]);
    expect(vendor.operations.map((op) => `${op.action} ${op.key}`)).toEqual(['create nina.new@sunpath.example', 'update maria.gonzalez@sunpath.example']);
    const update = vendor.operations.find((op) => op.action === 'update')!;
    expect(update.vendorId).toBeTruthy();
    expect(update.changes).toEqual([{ field: 'lastName', before: 'Gonzalez', after: 'Gonzalez Ruiz' }]);
    expect(vendor.fields).toBe(built.module.fields);

    // The same plan as the whole target makes, and the emulator only ever read.
    expect(await buildPlan(org, [built])).toEqual(plan);
    const enerflo = sandbox.emulators.get('enerflo')!;
    expect(enerflo.requests.length).toBeGreaterThan(0);
    expect(enerflo.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
