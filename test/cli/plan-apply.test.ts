import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

describe('roster plan and apply across vendors', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;

  /** The repo's config with every vendor pointed at emulators this test owns, and extra people. */
  async function sharedSandbox(extraPeople: object[] = []) {
    const config = await sampleConfig();
    sandbox = await sandboxForTest(config);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    workspace = await workspaceForTest({ ...config, users: 'users' }, {
      ...(await sampleOfficesAndRoles()),
      'people.yaml': { people: extraPeople },
    });
    return workspace;
  }

  it('prints the JSON contract, narrowed by --vendor, with Terraform exit codes', async () => {
    const result = await runCli(['plan', '--sandbox', '--vendor', 'enerflo', '--vendor', 'partner', '--format', 'json', '--detailed-exitcode']);
    expect(result.code).toBe(2);
    const plan = JSON.parse(result.stdout);
    expect(plan.version).toBe(1);
    expect(plan.vendors.map((v: { vendor: string }) => v.vendor)).toEqual(['enerflo', 'partner']);
    expect(Object.keys(plan.summary).sort()).toEqual(['create', 'deactivate', 'delete', 'errors', 'reactivate', 'unchanged', 'update']);
    const update = plan.vendors[0].operations.find((op: { key: string }) => op.key === 'jake.thompson@sunpath.example');
    expect(update).toEqual({
      action: 'update',
      key: 'jake.thompson@sunpath.example',
      vendorId: '145011',
      changes: [{ field: 'lastName', before: 'Thomson', after: 'Thompson' }],
    });
    const create = plan.vendors[0].operations.find((op: { action: string }) => op.action === 'create');
    expect(create.vendorId).toBeNull();
    expect(create.changes[0]).toEqual({ field: 'email', before: null, after: expect.any(String) });
    // SimplePin publishes no user list: it is read by key, so users git does not describe (its account owner)
    // cannot be seen, and none is claimed.
    expect(plan.vendors[1].unmanaged).toEqual([]);

    const unknown = await runCli(['plan', '--sandbox', '--vendor', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown vendor "nope"; configured: enerflo, highlevel, pulse, partner');
  });

  it('creates a new manager before the new rep who reports to them, and links the rep to them', async () => {
    const ws = await sharedSandbox([
      { email: 'zoe.manager@sunpath.example', firstName: 'Zoe', lastName: 'Manager', roles: ['regional-manager'], office: 'austin' },
      { email: 'adam.rep@sunpath.example', firstName: 'Adam', lastName: 'Rep', roles: ['sales-rep'], office: 'austin', manager: 'zoe.manager@sunpath.example' },
    ]);
    const result = await runCli(['apply', '--yes', '--no-report', '--vendor', 'enerflo', '-c', ws.configFile], { env: sandbox!.env });
    expect(result.stdout).toContain('0 failed');
    const posts = sandbox!.emulators.get('enerflo')!.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { email: string }).email);
    expect(posts.indexOf('zoe.manager@sunpath.example')).toBeLessThan(posts.indexOf('adam.rep@sunpath.example'));
    const users = (sandbox!.emulators.get('enerflo')!.state as { users: { id: number; email: string; manager_id?: number | null }[] }).users;
    const zoe = users.find((u) => u.email === 'zoe.manager@sunpath.example')!;
    expect(users.find((u) => u.email === 'adam.rep@sunpath.example')!.manager_id).toBe(zoe.id);
    const again = await runCli(['plan', '--vendor', 'enerflo', '-c', ws.configFile, '--detailed-exitcode'], { env: sandbox!.env });
    // Only these two are declared here: everyone else in the fixture is unmanaged, so nothing is left to do.
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to deactivate, 2 unchanged.');
  });

  it('fails a misconfigured vendor on its own while the others plan and apply', async () => {
    const ws = await sharedSandbox([
      { email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care', 'sales-rep'], office: 'denver' },
    ]);
    const env = { ...sandbox!.env };
    delete env.PARTNER_TOKEN;
    const result = await runCli(['apply', '--yes', '--no-report', '-c', ws.configFile], { env: { ...env, PARTNER_TOKEN: '' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('missing credentials: set PARTNER_TOKEN in the environment (or run with --sandbox)');
    for (const vendor of ['enerflo', 'highlevel', 'pulse']) expect(result.stdout).toMatch(new RegExp(`ok +${vendor} +create +cara\\.care@sunpath\\.example`));
    expect(sandbox!.emulators.get('partner')!.requests).toEqual([]);
  });
});
