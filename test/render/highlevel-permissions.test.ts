import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { highlevelSandboxFixture } from '../../src/vendors/highlevel/fixture.js';
import { makeWorkspace, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';

/**
 * Issue 28: a HighLevel create shows what the roles declare in HighLevel's words, not the 38 PermissionsDto
 * defaults every new user gets anyway. A real plan against the HighLevel emulator, rendered as the PR comment.
 */
const config = {
  users: 'users',
  vendors: {
    highlevel: { kind: 'highlevel', baseUrl: 'https://services.leadconnectorhq.com', companyId: 'Rk7mQ2vX9pLs4TnB8cWd', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } } },
  },
};

const users = {
  'org.yaml': {
    offices: [{ key: 'austin', name: 'Austin', timezone: 'America/Chicago', highlevel: { locationIds: ['aT4kW9nQ2rLx7VbP3mZs'] } }],
    roles: [
      // Four flags declared as the defaults already have them, one turned on, one turned off.
      { key: 'setter', highlevel: { type: 'account', role: 'user', permissions: { contactsEnabled: true, conversationsEnabled: true, opportunitiesEnabled: true, appointmentsEnabled: true, assignedDataOnly: true, campaignsEnabled: false } } },
      { key: 'office-admin', highlevel: { type: 'account', role: 'admin' } },
    ],
    people: [
      { email: 'new.setter@sunpath.example', firstName: 'Nia', lastName: 'Setter', roles: ['setter'], office: 'austin' },
      { email: 'new.admin@sunpath.example', firstName: 'Ola', lastName: 'Admin', roles: ['office-admin'], office: 'austin' },
      // In the fixture with assignedDataOnly on; git turns it off by not declaring it: one flag changes.
      { email: 'jake.thompson@sunpath.example', firstName: 'Jake', lastName: 'Thompson', roles: ['office-admin'], office: 'austin' },
    ],
  },
};

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
  harness = workspace = undefined;
});

describe('HighLevel permissions in the PR comment', () => {
  it('shows a create as the flags the roles change from HighLevel’s defaults, and an update as the flags that change', async () => {
    workspace = await makeWorkspace(config, users);
    harness = await startHarness(workspace.configFile, { highlevel: highlevelSandboxFixture() });
    const plan = await harness.plan();
    const actions = plan.vendors[0].operations.map((op) => `${op.action} ${op.key}`).sort();
    expect(actions).toEqual(expect.arrayContaining(['create new.admin@sunpath.example', 'create new.setter@sunpath.example', 'update jake.thompson@sunpath.example']));

    const md = renderMarkdown(plan, { maskEmails: false });
    expect(md).toContain("| permissions | campaignsEnabled: false, assignedDataOnly: true \\(other permissions: HighLevel's defaults\\) |");
    // A role that declares no permission: the new user gets HighLevel's defaults, said in those words.
    expect(md).toContain("| permissions | HighLevel's defaults |");
    // No create lists the default flags it leaves alone.
    expect(md).not.toMatch(/\| permissions \|[^\n]*(contactsEnabled|workflowsEnabled|all 38)/);
    // An update names the one flag that changes, the same words on both sides.
    expect(md).toContain('| permissions.assignedDataOnly | true | false |');

    const text = renderText(plan);
    expect(text).toContain("permissions = campaignsEnabled: false, assignedDataOnly: true (other permissions: HighLevel's defaults)");
    expect(text).not.toMatch(/permissions += \{/);
    // The plan itself still carries the whole object apply sends: only the comment is shorter.
    const create = plan.vendors[0].operations.find((op) => op.key === 'new.setter@sunpath.example');
    expect(Object.keys(create?.desired?.fields.permissions as object)).toHaveLength(38);
  });
});
