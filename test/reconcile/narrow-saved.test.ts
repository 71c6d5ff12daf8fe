import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import type { RootConfig } from '../../src/config/schema.js';
import { planChecksum } from '../../src/reconcile/checksum.js';
import { planIntegrity } from '../../src/reconcile/saved-plan-schema.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

/**
 * Issue 24, point 2: saved-plan verification and `apply FILE --vendor` narrow through the one helper
 * (narrow.ts), so what waits for a refused operation is skipped with the reason, whichever check refused
 * it. Every run talks HTTP to the sandbox emulators on 127.0.0.1.
 */
describe('a saved plan narrows through the one helper', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;
  let config: RootConfig;

  const chain = [
    { email: 'chain.a@sunpath.example', firstName: 'Chain', lastName: 'Alpha', roles: ['regional-manager'], office: 'austin' },
    { email: 'chain.b@sunpath.example', firstName: 'Chain', lastName: 'Bravo', roles: ['sales-rep'], office: 'austin', manager: 'chain.a@sunpath.example' },
    { email: 'chain.c@sunpath.example', firstName: 'Chain', lastName: 'Charlie', roles: ['sales-rep'], office: 'austin', manager: 'chain.b@sunpath.example' },
  ];
  const cara = { email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care'], office: 'denver', externalId: 'HR-7001' };

  async function setUp(people: object[], only = ['enerflo', 'partner']) {
    config = await sampleConfig();
    sandbox = await sandboxForTest(config, { only });
    for (const name of Object.keys(config.vendors)) if (!only.includes(name)) delete (config.vendors as Record<string, unknown>)[name];
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    workspace = await workspaceForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
  }
  const roster = (args: string[]) => runCli([...args, '-c', workspace!.configFile], { env: { ...sandbox!.env }, cwd: workspace!.dir });
  const writes = (vendor: string) => sandbox!.emulators.get(vendor)!.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/auth/login'));
  const file = (name: string) => path.join(workspace!.dir, name);
  async function forge(name: string, saved: { asOf: unknown; checksum: string; integrity: string; plan: Parameters<typeof planChecksum>[0] }) {
    saved.checksum = planChecksum(saved.plan);
    saved.integrity = planIntegrity({ asOf: saved.asOf, checksum: saved.checksum, plan: saved.plan });
    await writeFile(file(name), JSON.stringify(saved));
  }

  it('an edited create refused against the re-plan skips its reports, to any depth, naming what they wait for', async () => {
    await setUp(chain, ['enerflo']);
    expect((await roster(['plan', '--out', 'plan.json'])).code).toBe(0);
    const saved = JSON.parse(await readFile(file('plan.json'), 'utf8'));
    // An insider edits chain.a's create (hashes recomputed): the re-plan refuses it; b and c wait for it.
    const a = saved.plan.vendors[0].operations.find((op: { key: string }) => op.key === 'chain.a@sunpath.example');
    a.desired.fields.optimusAccess = false;
    await forge('edited.json', saved);
    const result = await roster(['apply', 'edited.json', '--yes', '--no-report']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused enerflo create chain\.a@sunpath\.example: refused: operation \d of enerflo \(create chain\.a@sunpath\.example\) differs from what the declared state plans: desired\.fields\.optimusAccess/);
    expect(result.stderr).toContain('refused enerflo create chain.b@sunpath.example: skipped: waits for the create of chain.a@sunpath.example, which is left out (refused: operation');
    expect(result.stderr).toContain('refused enerflo create chain.c@sunpath.example: skipped: waits for the create of chain.b@sunpath.example, which is left out (waits for the create of chain.a@sunpath.example');
    expect(writes('enerflo')).toEqual([]);
  });

  it('apply FILE --vendor applies that vendor\'s part of a sealed plan and says which vendors it left out', async () => {
    await setUp([...chain, cara]);
    const made = await roster(['plan', '--out', 'plan.json']);
    expect(made.code, made.stderr).toBe(0);
    const applied = await roster(['apply', 'plan.json', '--vendor', 'partner', '--yes', '--no-report']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('enerflo: 3 saved operations not applied: vendor enerflo is not among --vendor partner');
    expect(writes('partner').some((r) => r.method === 'POST' && JSON.stringify(r.body).includes('HR-7001'))).toBe(true);
    expect(writes('enerflo')).toEqual([]);
    // The vendor left out keeps its seal: a plan against another Enerflo company is still refused for Enerflo.
    const saved = JSON.parse(await readFile(file('plan.json'), 'utf8'));
    saved.plan.seal.instances.enerflo.ids = { companyId: '999' };
    await forge('other-company.json', saved);
    const refused = await roster(['apply', 'other-company.json', '--vendor', 'enerflo', '--yes', '--no-report']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/vendor instance: enerflo: the plan was made against enerflo at .*companyId "999"/);
    expect(writes('enerflo')).toEqual([]);
  });
});
