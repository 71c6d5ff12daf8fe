import { describe, expect, it, onTestFinished } from 'vitest';
import { startSandbox } from '../../src/compose/sandbox.js';
import { buildTargets } from '../../src/compose/targets.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { desiredStageOf } from '../../src/desired/stage.js';
import { planTargets, type DesiredStage } from '../../src/reconcile/plan.js';
import type { VendorModule } from '../../src/vendors/types.js';
import { makeWorkspace, sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

// A listing plan starts the listing first and builds the desired records a slice at a time while its
// pages travel (issue 26): the vendor is already being read while they are built, and the plan is the
// one the records built at once give.

describe('desired records built while the listing travels', () => {
  it('reads the vendor while the records are built, and plans as with the records built first', async () => {
    const config = await sampleConfig();
    const workspace = await makeWorkspace({ ...config, users: 'users' }, {
      ...(await sampleOfficesAndRoles()),
      'people.yaml': {
        people: [
          { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez Ruiz', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' },
          { email: 'nina.new@sunpath.example', firstName: 'Nina', lastName: 'New', roles: ['sales-rep'], office: 'austin' },
        ],
      },
    });
    onTestFinished(() => workspace.remove());
    const org = await loadOrganisation(workspace.configFile);
    const sandbox = await startSandbox(org.config, { only: ['enerflo'] });
    onTestFinished(() => sandbox.stop());
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(org.config.vendors[name], override);
    const enerflo = sandbox.emulators.get('enerflo')!;
    const targets = () => buildTargets(org, { only: ['enerflo'], env: sandbox.env });

    const stage = desiredStageOf(org);
    const requestsSeen: number[] = [];
    const inTurns: DesiredStage<VendorModule> = {
      records: stage.records,
      *recordsInTurns(target) {
        for (let slice = 0; slice < 50; slice++) {
          requestsSeen.push(enerflo.requests.length);
          yield;
        }
        return stage.records(target);
      },
    };
    const planned = await planTargets(targets(), inTurns);
    expect(requestsSeen[0]).toBe(0);
    expect(requestsSeen.at(-1)).toBeGreaterThan(0);

    const atOnce = await planTargets(targets(), { records: stage.records });
    expect(planned).toEqual(atOnce);
    expect(planned.vendors[0].operations.map((op) => `${op.action} ${op.key}`)).toEqual(['create nina.new@sunpath.example', 'update maria.gonzalez@sunpath.example']);
  });
});
