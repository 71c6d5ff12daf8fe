import { describe, expect, it, onTestFinished } from 'vitest';
import { startSandbox } from '../../src/compose/sandbox.js';
import { makeWorkspace, runCli, sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

// A plan lists (and applies) people in one order whatever the machine's locale: Danish collation sorts
// `aa` after `z`, so with the runner's default collator a laptop and CI listed the same plan differently.
describe('plan order and the locale', () => {
  it('orders operations the same under a Danish and an American locale', async () => {
    const config = await sampleConfig();
    for (const kind of ['highlevel', 'pulse', 'partner']) delete (config.vendors as Record<string, unknown>)[kind];
    const sandbox = await startSandbox(config);
    onTestFinished(() => sandbox.stop());
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    const people = ['zoe', 'aaron', 'hugo', 'anna'].map((first) => ({ email: `${first}.new@sunpath.example`, firstName: first, lastName: 'New', roles: ['sales-rep'], office: 'austin' }));
    const workspace = await makeWorkspace({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
    onTestFinished(() => workspace.remove());

    const created = async (locale: string) => {
      const result = await runCli(['-c', workspace.configFile, 'plan', '--format', 'json'], {
        cwd: workspace.dir,
        env: { ...sandbox.env, LANG: locale, LC_ALL: locale },
        spawn: true,
      });
      expect(result.stderr).not.toMatch(/error/i);
      const plan = JSON.parse(result.stdout) as { vendors: { operations: { action: string; key: string }[] }[] };
      return plan.vendors[0].operations.filter((op) => op.action === 'create').map((op) => op.key.split('.')[0]);
    };
    const american = await created('en_US.UTF-8');
    expect(american).toEqual(['aaron', 'anna', 'hugo', 'zoe']);
    expect(await created('da_DK.UTF-8')).toEqual(american);
  }, 60_000);
});
