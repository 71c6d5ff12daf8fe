import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { enerfloSandboxFixture } from '../../src/vendors/enerflo/fixture.js';
import { makeWorkspace, repoRoot, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
});

describe('a create whose answer is lost after an idle pause', () => {
  it('is not resent blindly: apply looks the person up and finds them, so they exist once', async () => {
    const root = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    workspace = await makeWorkspace({ ...root, vendors: { enerflo: root.vendors.enerflo } }, {
      'offices.yaml': await readFile(path.join(repoRoot, 'users/offices.yaml'), 'utf8'),
      'roles.yaml': await readFile(path.join(repoRoot, 'users/roles.yaml'), 'utf8'),
      'people.yaml': { people: [{ email: 'idle.create@sunpath.example', firstName: 'Idle', lastName: 'Create', roles: ['regional-manager'], office: 'austin' }] },
    });
    const fixture = enerfloSandboxFixture();
    harness = await startHarness(workspace.configFile, { enerflo: fixture });
    const plan = await harness.plan();
    expect(plan.vendors[0].operations.map((op) => `${op.action} ${op.key}`)).toContain('create idle.create@sunpath.example');
    plan.vendors[0].operations = plan.vendors[0].operations.filter((op) => op.key === 'idle.create@sunpath.example');

    const emulator = harness.sandbox.emulators.get('enerflo')!;
    // The keep-alive connection sits idle past the client's stale threshold (1 s), then the create's
    // answer is lost after the user was created; the fault is lifted once that POST has been dealt.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    emulator.setFaults({ lostWrite: 1 });
    const push = emulator.requests.push.bind(emulator.requests);
    emulator.requests.push = (...entries) => {
      if (entries.some((e) => e.method === 'POST')) setImmediate(() => emulator.setFaults(undefined));
      return push(...entries);
    };
    const report = await harness.apply(plan);

    expect(report.results).toEqual([expect.objectContaining({ key: 'idle.create@sunpath.example', ok: true })]);
    expect(emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const users = (emulator.state as { users: { email: string; deleted_at?: string | null }[] }).users;
    expect(users.filter((u) => u.email === 'idle.create@sunpath.example')).toHaveLength(1);
  });
});
