import { describe, expect, it } from 'vitest';
import { runCli, sampleConfig } from '../helpers/workspace.js';

/** The sample roster.yaml treats the account owner alike wherever it exists: accepted, never drift. */
describe('the sample organisation and its account owner', () => {
  it('accepts the owner on HighLevel as on SimplePin, so the first plan shows it as accepted, not as drift', async () => {
    const config = await sampleConfig();
    const ignored = (name: string) => (config.vendors[name].policy as { ignore?: string[] } | undefined)?.ignore ?? [];
    expect(ignored('highlevel')).toContain('owner@sunpath.example');
    expect(ignored('partner')).toContain('owner@sunpath.example');

    const result = await runCli(['plan', '--sandbox', '--vendor', 'highlevel', '--format', 'json']);
    const plan = JSON.parse(result.stdout) as { vendors: { unmanaged: { email: string; reason: string; drift?: boolean }[] }[] };
    const owner = plan.vendors[0].unmanaged.find((u) => u.email === 'owner@sunpath.example');
    expect(owner).toMatchObject({ reason: 'ignored by policy' });
    expect(owner?.drift).toBeFalsy();
  });
});
