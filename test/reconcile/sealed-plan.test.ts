import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { addDays, localDay } from '../../src/config/dates.js';
import type { RootConfig } from '../../src/config/schema.js';
import { planChecksum } from '../../src/reconcile/checksum.js';
import { planIntegrity } from '../../src/reconcile/saved-plan-schema.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

/**
 * Issue 22, tried the way an insider or an unlucky operator would: a saved plan edited with its hashes
 * recomputed, a staging plan applied with production's config, a plan made --at 1900-01-01, a date that
 * passes between review and merge. Every run talks HTTP to the sandbox emulators on 127.0.0.1.
 */
describe('a saved plan is a sealed statement', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;
  let config: RootConfig;

  const today = localDay(new Date(), 'America/Denver');
  const cara = { email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care'], office: 'denver', externalId: 'HR-7001' };

  async function setUp(people: object[], only = ['enerflo', 'partner']) {
    config = await sampleConfig();
    sandbox = await sandboxForTest(config, { only });
    for (const name of Object.keys(config.vendors)) if (!only.includes(name)) delete (config.vendors as Record<string, unknown>)[name];
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    workspace = await workspaceForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
  }
  const roster = (args: string[], env: Record<string, string> = {}) => runCli([...args, '-c', workspace!.configFile], { env: { ...sandbox!.env, ...env }, cwd: workspace!.dir });
  const writes = (vendor: string) => sandbox!.emulators.get(vendor)!.requests.filter((r) => r.method !== 'GET');
  const file = (name: string) => path.join(workspace!.dir, name);
  const readJson = async (name: string) => JSON.parse(await readFile(file(name), 'utf8'));
  /** What an insider does after editing: recompute the checksum and the integrity hash so the file looks whole. */
  async function forge(name: string, saved: { asOf: unknown; checksum: string; integrity: string; plan: Parameters<typeof planChecksum>[0] }) {
    saved.checksum = planChecksum(saved.plan);
    saved.integrity = planIntegrity({ asOf: saved.asOf, checksum: saved.checksum, plan: saved.plan });
    await writeFile(file(name), JSON.stringify(saved));
  }

  it('refuses a plan edited after review with its hashes recomputed, naming operation N and what differs; applies the reviewed one', async () => {
    await setUp([cara]);
    const made = await roster(['plan', '--vendor', 'partner', '--out', 'plan.json', '--format', 'json']);
    expect(made.code, made.stderr).toBe(0);
    const reviewed = JSON.parse(made.stdout).checksum as string;
    // Owner-only: a saved plan holds personal data.
    expect((await stat(file('plan.json'))).mode & 0o777).toBe(0o600);
    const saved = await readJson('plan.json');
    expect(saved.checksum).toBe(reviewed);
    expect(saved.plan.seal.instances.partner).toMatchObject({ kind: 'partner', baseUrl: config.vendors.partner.baseUrl });
    expect(JSON.stringify(saved.plan.seal)).not.toContain(sandbox!.env.PARTNER_TOKEN);

    // SimplePin's user_code travels as the record's externalId, outside `changes`: point it at someone else's code.
    const create = saved.plan.vendors[0].operations.find((op: { key: string }) => op.key === cara.email);
    create.desired.externalId = 'HR-1001';
    create.desired.fields.role = 'MANAGER';
    await forge('edited.json', structuredClone(saved));
    const edited = await roster(['apply', 'edited.json', '--yes', '--no-report']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain(`operation 1 of partner (create ${cara.email}) differs from what the declared state plans: desired.externalId, desired.fields.role`);
    // With the reviewed checksum, the forged file is refused before any vendor is read.
    const before = sandbox!.emulators.get('partner')!.requests.length;
    const expecting = await roster(['apply', 'edited.json', '--yes', '--no-report', '--expect-checksum', reviewed]);
    expect(expecting.code).toBe(1);
    expect(expecting.stderr).toContain(`reviewed checksum: the saved plan's checksum ${planChecksum(saved.plan)} is not the reviewed plan's (${reviewed})`);
    expect(sandbox!.emulators.get('partner')!.requests.length).toBe(before);
    expect(writes('partner')).toEqual([]);

    const applied = await roster(['apply', 'plan.json', '--yes', '--no-report', '--expect-checksum', reviewed]);
    expect(applied.code, applied.stderr).toBe(0);
    const post = writes('partner').find((r) => r.method === 'POST')!;
    expect(JSON.stringify(post.body)).toContain('HR-7001');
  });

  it('refuses a plan saved against staging when applied with production config, naming the instance and the declared state', async () => {
    await setUp([cara]);
    expect((await roster(['plan', '--vendor', 'enerflo', '--vendor', 'partner', '--out', 'staging.json'])).code).toBe(0);
    // Production's roster.yaml: another Enerflo company (and so another declared state).
    const production = structuredClone(config);
    (production.vendors.enerflo as { companyId?: unknown }).companyId = 999;
    await workspace!.write('roster.yaml', { ...production, users: 'users' });
    const result = await roster(['apply', 'staging.json', '--yes', '--no-report']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('declared state: the declared state differs from the one the plan was made from (roster.yaml changed)');
    expect(result.stderr).toMatch(/vendor instance: enerflo: the plan was made against enerflo at http:\/\/127\.0\.0\.1:\d+, and the instance is enerflo at http:\/\/127\.0\.0\.1:\d+ \(companyId "999"\) now/);
    expect(result.stderr).toContain('Nothing was applied');
    expect(writes('enerflo')).toEqual([]);
    expect(writes('partner')).toEqual([]);
  });

  it('shows and saves a plan made --at 1900-01-01 but never applies it, even with its moment forged to now', async () => {
    await setUp([{ ...cara, startDate: '2020-01-01' }, { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001', startDate: '2020-01-01' }]);
    const old = await roster(['plan', '--at', '1900-01-01', '--out', 'old.json']);
    expect(old.stdout).toContain('deactivate maria.gonzalez@sunpath.example');
    expect(old.stderr).toContain('this plan is as of --at 1900-01-01: it can be shown and saved, and `roster apply` refuses it');
    // Nor can it be posted as the plan reviewers approve.
    const comment = await roster(['plan', '--at', '1900-01-01', '--github-comment'], { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: file('none.json') });
    expect(comment.code).toBe(1);
    expect(comment.stderr).toContain('it cannot be posted as the reviewed plan (--github-comment)');
    const refused = await roster(['apply', 'old.json', '--yes', '--no-report']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the day: the plan was made --at 1900-01-01; a plan made as of a day other than today can be shown and saved, never applied');
    // The insider rewrites the moment to now and recomputes the hashes: the operations are not what today plans.
    const saved = await readJson('old.json');
    saved.asOf = { instant: new Date().toISOString() };
    await forge('forged.json', saved);
    const forged = await roster(['apply', 'forged.json', '--yes', '--no-report']);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/refused: operation \d+ of enerflo \(deactivate maria\.gonzalez@sunpath\.example\) is not what the declared state and live users plan now/);
    expect(writes('enerflo').filter((r) => JSON.stringify(r.body).includes('maria'))).toEqual([]);
    // A saved plan from before this change (version 1) is refused outright.
    await writeFile(file('v1.json'), JSON.stringify({ ...saved, version: 1 }));
    expect((await roster(['apply', 'v1.json', '--yes'])).stderr).toContain('was written by an older roster');
  });

  it('lists every dated change however far out, in all three formats, and a moved date changes the checksum', async () => {
    const far = addDays(today, 400);
    await setUp([{ ...cara, startDate: far }]);
    const text = await roster(['plan', '--vendor', 'partner']);
    expect(text.stdout).toContain(`${cara.email} starts ${far} (America/Denver): partner`);
    const markdown = await roster(['plan', '--vendor', 'partner', '--format', 'markdown']);
    expect(markdown.stdout).toContain(`starts ${far} \\(America/Denver\\): partner`);
    const json = JSON.parse((await roster(['plan', '--vendor', 'partner', '--format', 'json'])).stdout);
    expect(json.upcoming).toEqual([expect.objectContaining({ key: cara.email, kind: 'start', date: far, timezone: 'America/Denver', vendors: ['partner'] })]);
    // Nothing to do today, yet the schedule is in the checksum: a pull request that only moves the date changes it.
    expect(json.summary.create).toBe(0);
    await workspace!.write('users/people.yaml', { people: [{ ...cara, startDate: addDays(far, 1) }] });
    const moved = JSON.parse((await roster(['plan', '--vendor', 'partner', '--format', 'json'])).stdout);
    expect(moved.checksum).not.toBe(json.checksum);
  });
});
