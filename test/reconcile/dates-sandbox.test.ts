import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyDue } from '../../src/commands/apply.js';
import { gitLastChanged } from '../../src/commands/calendar.js';
import { addDays, localDay } from '../../src/config/dates.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { writersOf } from '../../src/reconcile/target.js';
import { dueOnly, withoutDated } from '../../src/reconcile/due.js';
import { buildPlan } from '../../src/compose/plan.js';
import { buildTargets } from '../../src/compose/targets.js';
import type { Operation, Plan } from '../../src/reconcile/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

/** Today, yesterday and tomorrow in Austin (America/Chicago), where these people's office is. */
const today = localDay(new Date(), 'America/Chicago');
const yesterday = addDays(today, -1);
const tomorrow = addDays(today, 1);
/** When git last changed the declared state, for these tests: before yesterday's end. */
const since = new Date(Date.now() - 3 * 24 * 3600 * 1000);

const op = (plan: Plan, vendor: string, key: string): Operation | undefined =>
  plan.vendors.find((v) => v.vendor === vendor)!.operations.find((o) => o.key === key);

describe('dates against the sandbox emulators', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;

  async function setUp(people: object[]) {
    const config = await sampleConfig();
    workspace = await workspaceForTest({ ...config, users: 'users' }, {
      ...(await sampleOfficesAndRoles()),
      'people.yaml': { people },
    });
    const org = await loadOrganisation(workspace.configFile);
    sandbox = await sandboxForTest(org.config, { only: ['enerflo', 'pulse'] });
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(org.config.vendors[name], override);
    const targets = buildTargets(org, { only: ['enerflo', 'pulse'], env: sandbox.env });
    return { org, targets, apply: (plan: Plan) => applyPlan(plan, { writers: writersOf(targets), concurrency: () => 2 }) };
  }

  // Maria's last name in git differs from live (a change nobody dated): planned, but never by --due.
  const maria = { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez Ruiz', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' };

  it('plans a joiner only from their first day, a leaver off after their last, a role off after its until; apply --due does those and refuses the rest', async () => {
    const { org, targets, apply } = await setUp([
      maria,
      // Live in both vendors; their last day was yesterday.
      { email: 'jake.thompson@sunpath.example', firstName: 'Jake', lastName: 'Thompson', roles: ['sales-rep'], office: 'austin', manager: maria.email, externalId: 'HR-1002', endDate: yesterday },
      // Not live anywhere; starts tomorrow.
      { email: 'nina.new@sunpath.example', firstName: 'Nina', lastName: 'New', roles: ['sales-rep'], office: 'austin', manager: maria.email, startDate: tomorrow },
      // Led a team until yesterday. In Austin like the rest: `yesterday` is Austin's, and in the hour after
      // midnight in Austin it is still the day before in Phoenix, where the role would not have ended yet.
      { email: 'lee.lead@sunpath.example', firstName: 'Lee', lastName: 'Lead', roles: ['sales-rep', { role: 'regional-manager', until: yesterday }], office: 'austin' },
    ]);

    // Lee as they were two days ago, in Pulse (sales rep and manager): what the role window will take away.
    const earlier = await buildPlan(org, targets, { asOf: { day: addDays(today, -2) } });
    const leeCreate = op(earlier, 'pulse', 'lee.lead@sunpath.example')!;
    expect(leeCreate.changes.find((c) => c.field === 'roles')!.after).toEqual(['salesManager', 'salesRep']);
    await apply({ ...earlier, vendors: earlier.vendors.filter((v) => v.vendor === 'pulse').map((v) => ({ ...v, operations: [leeCreate] })) });

    const now = await buildPlan(org, targets, { since });
    // The joiner: nothing today, in any vendor.
    expect(op(now, 'enerflo', 'nina.new@sunpath.example')).toBeUndefined();
    expect(op(now, 'pulse', 'nina.new@sunpath.example')).toBeUndefined();
    // The leaver: a deactivation today, caused by their endDate and showing their window.
    const jakeOff = op(now, 'enerflo', 'jake.thompson@sunpath.example')!;
    expect(jakeOff).toMatchObject({ action: 'deactivate', reason: `after their endDate ${yesterday}`, cause: { kind: 'date', events: [{ kind: 'end', date: yesterday, effective: today, timezone: 'America/Chicago' }] }, window: { endDate: yesterday, timezone: 'America/Chicago' } });
    expect(op(now, 'pulse', 'jake.thompson@sunpath.example')).toMatchObject({ action: 'deactivate', cause: { kind: 'date' } });
    // The role window: the manager role's removal in Pulse, nothing else.
    const leeUpdate = op(now, 'pulse', 'lee.lead@sunpath.example')!;
    expect(leeUpdate).toMatchObject({ action: 'update', changes: [{ field: 'roles', before: ['salesManager', 'salesRep'], after: ['salesRep'] }], cause: { events: [{ kind: 'role-end', role: 'regional-manager' }] } });
    // Maria's live record differs from git by hand (not a date): planned, but without a cause.
    const mariaOps = now.vendors.flatMap((v) => v.operations.filter((o) => o.key === maria.email));
    expect(mariaOps.length).toBeGreaterThan(0);
    expect(mariaOps.every((o) => o.cause === undefined)).toBe(true);
    // The upcoming list: Nina's start tomorrow, in both vendors.
    expect(now.upcoming).toEqual([expect.objectContaining({ key: 'nina.new@sunpath.example', kind: 'start', effective: tomorrow, vendors: ['enerflo', 'pulse'] })]);

    // The views carry the dates.
    const json = JSON.parse(renderJson(now));
    expect(json.upcoming[0]).toMatchObject({ key: 'nina.new@sunpath.example', kind: 'start' });
    expect(json.vendors[0].operations.find((o: { key: string }) => o.key === 'jake.thompson@sunpath.example')).toMatchObject({ cause: { kind: 'date' }, window: { endDate: yesterday } });
    expect(renderText(now)).toContain(`due: leaves after ${yesterday} · window … → ${yesterday} (America/Chicago)`);
    const markdown = renderMarkdown(now, { maskEmails: true, maxLength: Infinity });
    expect(markdown).toContain(`due: leaves after ${yesterday}`);
    expect(markdown).toContain('Coming up (dated changes)');
    // The window sits beside the person's row at the top, not only in the folded details.
    const table = markdown.slice(markdown.indexOf('#### Who changes where'), markdown.indexOf('#### Details per vendor'));
    expect(table).toMatch(new RegExp(`Jake Thomson\\*\\*<br>\\S+<br><sub>… → ${yesterday} \\\\\\(America/Chicago\\\\\\)</sub> \\| − deactivate`));
    // A dated removal is an offboarding to a reviewer, as active: false is.
    expect(table).toMatch(/\| − offboarded \| \*\*Jake Thomson/);
    expect(markdown).not.toContain('nina.new@sunpath.example');

    // Tomorrow, Nina is created.
    const next = await buildPlan(org, targets, { asOf: { day: tomorrow }, since });
    expect(op(next, 'enerflo', 'nina.new@sunpath.example')).toMatchObject({ action: 'create', cause: { events: [{ kind: 'start', date: tomorrow }] } });

    // Drift: the dated operations are pending, not drift; Maria's hand-made difference is drift.
    const { undated, pending } = withoutDated(now);
    expect(pending.map((p) => `${p.vendor} ${p.operation.action} ${p.operation.key}`).sort()).toEqual([
      'enerflo deactivate jake.thompson@sunpath.example',
      'pulse deactivate jake.thompson@sunpath.example',
      'pulse update lee.lead@sunpath.example',
    ]);
    expect(undated.vendors.flatMap((v) => v.operations.map((o) => o.key))).toContain(maria.email);
    expect(dueOnly(now).refused.map((r) => r.operation.key)).toContain(maria.email);

    // apply --due, in process: what the dates made due, and nothing of Maria's.
    const mariaBefore = JSON.stringify(sandbox!.emulators.get('enerflo')!.state).includes('"first_name":"Maria"');
    const writesBefore = [...sandbox!.emulators.values()].map((e) => e.requests.filter((r) => r.method !== 'GET').length);
    const code = await applyDue({ org, targets, close: async () => {} }, { yes: true, report: false }, since);
    expect(code).toBe(0);
    expect(mariaBefore).toBe(true);
    const again = await buildPlan(org, targets, { since });
    expect(op(again, 'enerflo', 'jake.thompson@sunpath.example')).toBeUndefined();
    expect(op(again, 'pulse', 'jake.thompson@sunpath.example')).toBeUndefined();
    expect(op(again, 'pulse', 'lee.lead@sunpath.example')).toBeUndefined();
    // Maria's operations are all still to do: apply --due refused them.
    expect(again.vendors.flatMap((v) => v.operations.filter((o) => o.key === maria.email)).map((o) => o.action)).toEqual(mariaOps.map((o) => o.action));
    const writes = [...sandbox!.emulators.values()].map((e, i) => e.requests.filter((r) => r.method !== 'GET').slice(writesBefore[i]));
    expect(writes.flat().some((r) => JSON.stringify(r.body ?? '').includes('Gonzalez'))).toBe(false);
  });

  it('offboards a person whose only role in a vendor ended, rather than leaving them unmanaged', async () => {
    const { org, targets } = await setUp([
      maria,
      { email: 'jake.thompson@sunpath.example', firstName: 'Jake', lastName: 'Thompson', roles: [{ role: 'sales-rep', until: yesterday }, 'accounting'], office: 'austin', manager: maria.email, externalId: 'HR-1002' },
    ]);
    const plan = await buildPlan(org, targets, { since });
    expect(op(plan, 'enerflo', 'jake.thompson@sunpath.example')).toMatchObject({ action: 'deactivate', reason: `none of their roles maps onto enerflo on ${today}`, cause: { events: [{ kind: 'role-end', role: 'sales-rep' }] } });
    expect(plan.vendors.find((v) => v.vendor === 'enerflo')!.unmanaged.map((u) => u.email)).not.toContain('jake.thompson@sunpath.example');
  });
});

describe('when git last changed the declared state', () => {
  let workspace: Workspace | undefined;

  it('is the committer date of the last commit touching users/ or the config, and unknown outside git', async () => {
    workspace = await workspaceForTest({ vendors: {} }, { 'people.yaml': { people: [] } });
    const org = await loadOrganisation(workspace.configFile);
    expect(await gitLastChanged(org)).toBeUndefined();
    const git = (args: string[], date: string) =>
      promisify(execFile)('git', args, { cwd: workspace!.dir, env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } });
    await git(['init', '-q'], '2026-11-01T10:00:00Z');
    await git(['add', '.'], '2026-11-01T10:00:00Z');
    await git(['commit', '-qm', 'users'], '2026-11-01T10:00:00Z');
    await workspace.write('README.md', 'not the declared state');
    await git(['add', '.'], '2026-11-20T10:00:00Z');
    await git(['commit', '-qm', 'docs'], '2026-11-20T10:00:00Z');
    expect((await gitLastChanged(org))?.toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });
});
