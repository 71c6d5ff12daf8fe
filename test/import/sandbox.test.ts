import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlias, isNode, parseDocument, visit } from 'yaml';
import { vendorModules } from '../../src/vendors/registry.js';
import { makeWorkspace, repoRoot, runCli, type Workspace } from '../helpers/workspace.js';

/*
 * The promise of issue 8, over real HTTP: `roster import --sandbox` reads the sandbox emulators (seeded
 * from each vendor's built-in fixture, src/vendors/<kind>/fixture.ts), writes users/imported.yaml into an empty users folder, and `roster plan
 * --sandbox` against the same fixtures then has nothing to do for the imported people.
 */

/** Each case runs the CLI three or four times, each starting the emulators; generous for a busy machine. */
const SLOW = 180_000;

const workspaces: Workspace[] = [];
let listingDir: string | undefined;
afterAll(async () => {
  await Promise.all(workspaces.map((w) => w.remove()));
  if (listingDir) await rm(listingDir, { recursive: true, force: true });
});

/**
 * The built-in fixtures, written as a user's `<kind>.json` files, with SimplePin's list endpoint turned on:
 * SimplePin publishes none, so import can only read a tenant that has one (the sandbox then sets listPath).
 * `--fixtures DIR` for import and plan.
 */
async function listingFixtures(): Promise<string[]> {
  if (!listingDir) {
    listingDir = await mkdtemp(path.join(tmpdir(), 'roster-fixtures-'));
    for (const module of vendorModules) {
      const fixture = module.sandbox.fixture() as Record<string, unknown>;
      if (module.kind === 'partner') fixture.options = { listEndpoint: true };
      await writeFile(path.join(listingDir, `${module.kind}.json`), JSON.stringify(fixture));
    }
  }
  return ['--fixtures', listingDir];
}

/** The repository's roster.yaml (all four vendors), in a temp folder whose users/ starts empty. */
async function emptyWorkspace(users: Record<string, unknown> = {}): Promise<Workspace> {
  const config = await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8');
  const workspace = await makeWorkspace(config.replace(/^users:.*$/m, 'users: users'), users);
  workspaces.push(workspace);
  return workspace;
}

const roster = (w: Workspace, ...args: string[]) => runCli(['-c', w.configFile, ...args], { cwd: w.dir });
const vendorArgs = (vendors: string[]) => (vendors.length ? ['--vendor', ...vendors] : []);

interface PlanJson {
  vendors: { vendor: string; operations: { action: string; key: string; changes: { field: string }[] }[]; unmanaged: { email: string }[]; errors: unknown[] }[];
  summary: Record<string, number>;
}

/** `not imported: partner owner@x (id 5001): why` lines, as vendor/email pairs. */
function notImported(stderr: string): string[] {
  return [...stderr.matchAll(/^not imported: (\S+) (\S+) \(id /gm)].map((m) => `${m[1]} ${m[2].toLowerCase()}`).sort();
}

/** `  highlevel: update jake@x (lastName)` lines import prints for changes it could not avoid. */
function residuals(stderr: string): string[] {
  const block = stderr.split(/^roster plan after import would still change.*$/m)[1] ?? '';
  return [...block.matchAll(/^ {2}(\S+): (\w+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).sort();
}

/** Structural checks on the written YAML: what a person would not write. */
function expectHandWritten(yaml: string): void {
  expect(yaml.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+users\.schema\.json$/);
  const doc = parseDocument(yaml);
  expect(doc.errors).toEqual([]);
  visit(doc, {
    Alias: () => expect.fail('an alias (*) in the imported file'),
    Node: (_, node) => {
      if (isNode(node) && node.anchor) expect.fail(`an anchor (&${node.anchor}) in the imported file`);
    },
    Pair: (_, pair) => {
      const value = pair.value;
      const empty =
        value === null ||
        (isNode(value) && 'items' in value && (value.items as unknown[]).length === 0) ||
        (isNode(value) && 'value' in value && (value.value === null || value.value === ''));
      if (empty) expect.fail(`an empty key "${String((pair.key as { value?: unknown })?.value)}" in the imported file`);
    },
  });
  expect(isAlias(doc.contents)).toBe(false);
  const data = doc.toJS() as Record<string, { email?: string }[]>;
  expect(Object.keys(data).filter((k) => ['offices', 'roles', 'people'].includes(k))).toEqual(Object.keys(data));
  const emails = (data.people ?? []).map((p) => p.email!.toLowerCase());
  expect(emails).toEqual([...emails].sort());
}

const cases: { name: string; vendors: string[] }[] = [
  { name: 'Enerflo', vendors: ['enerflo'] },
  { name: 'HighLevel', vendors: ['highlevel'] },
  { name: 'Pulse', vendors: ['pulse'] },
  { name: 'the partner API', vendors: ['partner'] },
  { name: 'all four together', vendors: [] },
];

describe.each(cases)('roster import from $name into an empty users folder', ({ vendors }) => {
  it('writes a file that validates, reads like a person wrote it, and plans clean', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace();
    // SimplePin is imported from a tenant with a list endpoint (listPath); the other vendors ignore it.
    const fixtures = await listingFixtures();
    const imported = await roster(w, 'import', '--sandbox', ...fixtures, ...vendorArgs(vendors));
    expect(imported.stderr).not.toMatch(/error:/);
    expect(imported.code).toBe(0);
    const file = path.join(w.dir, 'users', 'imported.yaml');
    const yaml = await readFile(file, 'utf8');
    expectHandWritten(yaml);

    const validated = await roster(w, 'validate');
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);

    const planned = await roster(w, 'plan', '--sandbox', ...fixtures, '--format', 'json', ...vendorArgs(vendors));
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    expect(plan.summary.errors).toBe(0);
    expect(plan.summary.create).toBe(0);
    expect(plan.summary.deactivate + plan.summary.reactivate + plan.summary.delete).toBe(0);

    // Unmanaged: exactly the live users import listed as not declarable, nobody else.
    const unmanaged = plan.vendors.flatMap((v) => v.unmanaged.map((u) => `${v.vendor} ${u.email.toLowerCase()}`)).sort();
    expect(unmanaged).toEqual(notImported(imported.stderr));

    // Updates: exactly the ones import announced (where vendors disagree), each commented in the file.
    const updates = plan.vendors.flatMap((v) => v.operations.map((op) => `${v.vendor} ${op.action} ${op.key}`)).sort();
    expect(updates).toEqual(residuals(imported.stderr));
    if (vendors.length === 1) {
      // One vendor cannot disagree with itself: nothing at all is left to change.
      expect(plan.summary.update).toBe(0);
      expect(imported.stdout).toContain('roster plan after import: no changes for the imported people.');
    } else {
      // Every change left is commented on the person's line in the file.
      const changes = plan.vendors.flatMap((v) => v.operations.flatMap((op) => op.changes));
      expect(yaml.match(/roster plan will set/g)?.length ?? 0).toBe(changes.length);
    }

    // Stable: a second run writes the same bytes.
    const again = await roster(w, 'import', '--sandbox', ...fixtures, '--force', ...vendorArgs(vendors));
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(yaml);
  });
});

describe('roster import into an existing users folder', () => {
  const declared = {
    'org.yaml': {
      offices: [{ key: 'austin', name: 'Austin', timezone: 'America/Chicago', enerflo: { officeId: 101 } }],
      roles: [{ key: 'rep', enerflo: { roles: ['Sales Rep'] } }],
      people: [
        {
          email: 'diego.ramirez@sunpath.example',
          firstName: 'Diego',
          lastName: 'Ramirez',
          // Differs from live on purpose: reported as a conflict, never rewritten.
          phone: '+1 512 555 0999',
          roles: ['rep'],
          office: 'austin',
        },
      ],
    },
  };

  it('leaves declared files untouched, adds the people git lacks in a new file, and reports conflicts', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace(declared);
    const orgFile = path.join(w.dir, 'users', 'org.yaml');
    const before = await readFile(orgFile, 'utf8');
    const result = await roster(w, 'import', '--sandbox', '--vendor', 'enerflo');
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(orgFile, 'utf8')).toBe(before);
    expect((await readdir(path.join(w.dir, 'users'))).sort()).toEqual(['imported.yaml', 'org.yaml']);
    expect(result.stdout).toMatch(/1 live person already declared in git: left as they are/);
    expect(result.stderr).toMatch(/conflicts: 1 declared person differs from live[\s\S]*enerflo: update diego\.ramirez@sunpath\.example \([^)]*phone/);

    const yaml = await readFile(path.join(w.dir, 'users', 'imported.yaml'), 'utf8');
    expectHandWritten(yaml);
    expect(yaml).not.toContain('diego.ramirez@sunpath.example');
    // The declared office and role are reused, not generated again.
    expect(yaml).not.toMatch(/key: enerflo-office-101\b/);
    expect(yaml).toMatch(/roles: \[ rep \]/);
    expect((await roster(w, 'validate')).code).toBe(0);
  });

  it('refuses to overwrite its file without --force, and replaces it with --force', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace(declared);
    const file = path.join(w.dir, 'users', 'imported.yaml');
    expect((await roster(w, 'import', '--sandbox', '--vendor', 'pulse')).code).toBe(0);
    const first = await readFile(file, 'utf8');
    const modified = (await stat(file)).mtimeMs;

    const refused = await roster(w, 'import', '--sandbox', '--vendor', 'pulse');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/imported\.yaml already exists; roster import never overwrites a file silently\. Pass --force/);
    expect(await readFile(file, 'utf8')).toBe(first);
    expect((await stat(file)).mtimeMs).toBe(modified);

    const forced = await roster(w, 'import', '--sandbox', '--vendor', 'pulse', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    // Its own earlier output is not "declared": the same people come back, in the same bytes.
    expect(await readFile(file, 'utf8')).toBe(first);
    expect(forced.stdout).toContain('users/imported.yaml is unchanged.');

    // A hand edit that --force undoes is shown as the lines it takes out and puts back.
    const lastName = /lastName: (\S+)/.exec(first)![1];
    await writeFile(file, first.replace(`lastName: ${lastName}`, 'lastName: Edited-By-Hand'));
    const replaced = await roster(w, 'import', '--sandbox', '--vendor', 'pulse', '--force');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain('Changes to users/imported.yaml:');
    expect(replaced.stdout).toMatch(/^-\s+lastName: Edited-By-Hand$/m);
    expect(replaced.stdout).toMatch(new RegExp(`^\\+\\s+lastName: ${lastName}$`, 'm'));
    expect(await readFile(file, 'utf8')).toBe(first);
  });

  it('writes nothing when a vendor cannot be listed', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace();
    // No --sandbox and no credentials in the environment: every vendor fails before a request.
    const blank = { ENERFLO_API_KEY: '', HIGHLEVEL_TOKEN: '', PULSE_API_KEY: '', PULSE_API_SECRET: '', PARTNER_TOKEN: '' };
    const result = await runCli(['-c', w.configFile, 'import', '--vendor', 'enerflo'], { cwd: w.dir, env: blank, spawn: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/enerflo: missing credentials[\s\S]*nothing was written/);
    expect(await readdir(path.join(w.dir, 'users'))).toEqual([]);
  });

  it('explains that SimplePin needs listPath to be imported, and writes nothing', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace();
    for (const vendors of [['partner'], []]) {
      const result = await roster(w, 'import', '--sandbox', ...vendorArgs(vendors));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('partner: SimplePin cannot list its users, so import cannot read them: set listPath on vendor "partner"');
      expect(result.stderr).toMatch(/nothing was written/);
    }
    expect(await readdir(path.join(w.dir, 'users'))).toEqual([]);
  });

  it('writes to stdout with --out - and touches no file', { timeout: SLOW }, async () => {
    const w = await emptyWorkspace();
    const result = await roster(w, 'import', '--sandbox', ...(await listingFixtures()), '--vendor', 'partner', '--out', '-');
    expect(result.code, result.stderr).toBe(0);
    expectHandWritten(result.stdout);
    expect(await readdir(path.join(w.dir, 'users'))).toEqual([]);
    expect(notImported(result.stderr)).toEqual(['partner owner@sunpath.example']);
  });
});
