import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBambooEmulator, type BambooFaults } from '../../src/sources/bamboohr/emulator.js';
import { sampleBambooEmployees } from '../../src/sources/bamboohr/fixture.js';
import { runInProcess } from '../helpers/in-process.js';
import { sampleProject, setSources } from './helpers.js';

const DAY = '2026-12-07';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function project() {
  const p = await sampleProject();
  cleanups.push(p.remove);
  return p;
}
const sync = (dir: string, ...args: string[]) => runInProcess(['source', 'sync', '--at', DAY, ...args], { cwd: dir, env: { BAMBOOHR_API_KEY: 'k-123' } });

describe('roster source sync: safety', () => {
  it('writes small edits in place: comments, order and fields git owns stay; a second sync finds nothing to do', async () => {
    const p = await project();
    const before = await p.files();
    const first = await sync(p.dir);
    expect(first.code).toBe(0);
    const after = await p.files();
    const austin = after['users/people/austin.yaml'];
    // Everything that was there is still there, in order, but Priya's phone and Jake's end date.
    const kept = before['users/people/austin.yaml'].split('\n').filter((l) => !l.includes('+1 512 555 0103'));
    let at = 0;
    for (const line of kept) {
      at = austin.indexOf(line, at);
      expect(at, line).toBeGreaterThanOrEqual(0);
    }
    expect(austin).toMatch(/jake\.thompson[\s\S]*?externalId: HR-1002\n {4}endDate: 2026-12-18\n/);
    // Titles are HR's job titles in the export but not owned: nobody's title changed.
    expect(austin).toContain('title: Regional Manager, Texas');
    expect(after['users/roles.yaml']).toBe(before['users/roles.yaml']);
    const second = await sync(p.dir);
    expect(second.code).toBe(0);
    // Nothing to change but the absence count (Olivia is not in the export).
    expect(second.stdout).toContain('source hr: 0 hires, 0 leavers, 0 updates; wrote .roster/sources/hr.json');
    const third = await p.files();
    expect(Object.keys(third).filter((f) => f.startsWith('users/') && third[f] !== after[f])).toEqual([]);
  });

  it('absence never offboards: counted per sync in .roster/sources/NAME.json, listed for a person after absentSyncs', async () => {
    const p = await project();
    const stateFile = path.join(p.dir, '.roster/sources/hr.json');
    await mkdir(path.dirname(stateFile), { recursive: true });
    for (let i = 1; i <= 3; i++) {
      const run = await sync(p.dir, '--out', path.join(p.dir, 'proposed'));
      expect(run.code).toBe(0);
      // --out leaves the tree as is; the state is what a merged sync would commit: carry it over by hand.
      const proposed = await readFile(path.join(p.dir, 'proposed/.roster/sources/hr.json'), 'utf8');
      expect(JSON.parse(proposed).absent['olivia.chen@sunpath.example'].syncs).toBe(i);
      await writeFile(stateFile, proposed);
      const listed = /olivia\.chen@sunpath\.example missing from HR for 3 syncs in a row/.test(run.stderr);
      expect(listed).toBe(i === 3);
    }
    const users = await p.files();
    expect(users['users/people/austin.yaml']).not.toMatch(/olivia[\s\S]*?endDate/);
  });

  it('refuses a sync over maxChangeShare; only the exact number typed passes it', async () => {
    const p = await project();
    await setSources(p.dir, {
      hr: {
        kind: 'csv',
        file: 'examples/hr/sunpath-hr.csv',
        owns: ['firstName', 'lastName', 'phone', 'startDate', 'endDate', 'externalId'],
        offices: { map: { 'Austin, TX': 'austin', 'Phoenix, AZ': 'phoenix', 'Denver, CO': 'denver' } },
        roles: { map: { 'Sales Representative': ['sales-rep'] } },
      },
    });
    const before = await p.files();
    const refused = await sync(p.dir);
    expect(refused.code).toBe(1);
    const n = /--confirm-changes (\d+)/.exec(refused.stderr)?.[1];
    expect(refused.stderr).toMatch(/would change \d+ of 24 people \(\d+%\), over sources\.hr\.safety\.maxChangeShare \(20%\)\. Nothing was written/);
    expect(await p.files()).toEqual(before);
    const wrong = await sync(p.dir, '--confirm-changes', String(Number(n) - 1));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`you typed ${Number(n) - 1}`);
    expect(await p.files()).toEqual(before);
    const typed = await sync(p.dir, '--confirm-changes', n!);
    expect(typed.code).toBe(0);
    expect((await p.files())['users/people/austin.yaml']).toContain('externalId: HR-1004');
  });

  it('an export with no rows is never everyone leaving', async () => {
    const p = await project();
    await writeFile(path.join(p.dir, 'examples/hr/sunpath-hr.csv'), 'Employee ID,Work Email\n\n');
    const before = await p.files();
    const run = await sync(p.dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has no rows; an empty export is never read as everyone leaving/);
    expect(await p.files()).toEqual(before);
  });
});

describe('roster source sync from BambooHR: a bad answer writes nothing', () => {
  async function withBamboo(faults: BambooFaults, extra: Record<string, unknown> = {}) {
    const p = await project();
    const bamboo = await startBambooEmulator({ apiKey: 'k-123', employees: sampleBambooEmployees(), faults });
    cleanups.push(() => bamboo.close());
    await setSources(p.dir, {
      hr: {
        kind: 'bamboohr',
        companyDomain: 'sunpath',
        baseUrl: bamboo.url,
        pageSize: 2,
        timeoutMs: 300,
        credentials: { apiKey: { env: 'BAMBOOHR_API_KEY' } },
        fields: { employeeId: 'employeeNumber' },
        offices: { map: { 'Austin, TX': 'austin', 'Phoenix, AZ': 'phoenix' } },
        roles: { map: { 'Sales Representative': ['sales-rep'] } },
        safety: { maxChangeShare: 0.5 },
        ...extra,
      },
    });
    const before = await p.files();
    const run = await sync(p.dir);
    expect(run.code).toBe(1);
    expect(await p.files()).toEqual(before);
    expect(run.stderr).not.toContain('k-123');
    return run.stderr;
  }

  it('an HTML error page', async () => {
    expect(await withBamboo({ htmlOnPage: 2 })).toMatch(/BambooHR \(hr\), page 2: .*nothing was written/);
  });
  it('an HTML error page with a 503 status, after the retries', async () => {
    expect(await withBamboo({ htmlOnPage: 1, htmlStatus: 500 })).toMatch(/page 1: .*500.*nothing was written/);
  });
  it('an answer cut short', async () => {
    expect(await withBamboo({ truncateOnPage: 2 })).toMatch(/page 2: .*nothing was written/);
  });
  it('a service that never answers', async () => {
    expect(await withBamboo({ hangOnPage: 3 })).toMatch(/page 3: .*nothing was written/);
  });
  it('a field the key may not read, and a field left out of the answer', async () => {
    expect(await withBamboo({ restricted: ['workEmail'] })).toMatch(/may not read workEmail/);
    expect(await withBamboo({ dropFields: ['terminationDate'] })).toMatch(/came without terminationDate: a partial answer/);
  });
  it('a listing that never ends', async () => {
    expect(await withBamboo({ endlessCursor: true })).toMatch(/cursor repeats/);
  });
  it('a wrong key', async () => {
    expect(await withBamboo({}, { credentials: { apiKey: { env: 'NOT_SET_KEY' } } })).toMatch(/NOT_SET_KEY is not set/);
  });
});
