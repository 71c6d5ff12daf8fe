import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import type { RootConfig } from '../../src/config/schema.js';
import { makeWorkspace, runCli, sampleConfig, sampleOfficesAndRoles, type Workspace } from '../helpers/workspace.js';

/** What `roster plan` says when a vendor refuses it: the same setting, variable and line doctor names. */
describe('roster plan names the setting to change', () => {
  let sandbox: Sandbox;
  let config: RootConfig;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    config = await sampleConfig();
    sandbox = await startSandbox(config);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
  });
  afterAll(async () => {
    await sandbox?.stop();
    for (const workspace of workspaces) await workspace.remove();
  });

  async function plan(change: (config: RootConfig) => void, env: Record<string, string>) {
    const changed = structuredClone(config);
    change(changed);
    const workspace = await makeWorkspace({ ...changed, users: 'users' }, await sampleOfficesAndRoles());
    workspaces.push(workspace);
    const result = await runCli(['plan', '-c', workspace.configFile], { env });
    return result;
  }

  it('a 401 names the environment variables and the credentials line, as doctor does', async () => {
    const result = await plan(() => {}, { ...sandbox.env, ENERFLO_API_KEY: 'not-the-key', PULSE_API_SECRET: 'not-the-secret' });
    expect(result.stdout).toMatch(/enerflo: GET \/api\/v3\/users answered 401: [^\n]*; check ENERFLO_API_KEY \(vendors\.enerflo\.credentials, [^\n]*roster\.yaml:\d+\)/);
    expect(result.stdout).toMatch(/pulse: POST \/auth\/login answered 401: [^\n]*; check PULSE_API_KEY and PULSE_API_SECRET \(vendors\.pulse\.credentials, [^\n]*roster\.yaml:\d+\)/);
    // Two vendors that cannot be read need whoever administers them, not any reviewer.
    expect(result.stdout).toContain('2 vendor failures need an administrator (roster doctor names the setting to change).');
    expect(result.stdout).not.toContain('need a person');
    expect(result.stdout + result.stderr).not.toContain('not-the-key');
    expect(result.stdout + result.stderr).not.toContain('not-the-secret');
  });

  it('a 404 under a base URL with a path prefix names the prefix and baseUrl, not only the path setting', async () => {
    const result = await plan((c) => (c.vendors.enerflo.baseUrl += '/v1'), sandbox.env);
    expect(result.stdout).toMatch(
      /enerflo: GET \/api\/v3\/users answered 404: [^\n]*\(if the path prefix \/v1 of the base URL is wrong, change vendors\.enerflo\.baseUrl, [^\n]*roster\.yaml:\d+; if \/api\/v3\/users is not this vendor's path, change vendors\.enerflo\.usersPath\)/,
    );
  });
});
