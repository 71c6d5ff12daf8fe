import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseChecksumMarker } from '../../src/render/markdown.js';
import { cliPath, makeWorkspace, repoRoot, runCli } from '../helpers/workspace.js';
import { addPullRequest, githubEnv, startFakeGitHub, type FakeGitHub } from './fake-github.js';

// The built CLI against one shared sandbox (`roster sandbox`: every vendor emulated, state kept
// across runs) and the fake GitHub API: plan comment, reviewed checksum, apply refusing a different
// plan, the drift issue. Phones of the sample organisation are all 555-01xx: none may reach GitHub.
const PHONE = /\d{3}\D{0,2}555\D?01\d\d/;

let gh: FakeGitHub;
let sandbox: ChildProcess;
let dir: string;
let sandboxEnv: Record<string, string> = {};

beforeAll(async () => {
  gh = await startFakeGitHub();
  dir = mkdtempSync(join(tmpdir(), 'roster-github-cli-'));
  sandbox = spawn(process.execPath, [cliPath, 'sandbox', '--config-out', join(dir, 'sandbox.yaml')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const watch = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Sandbox running')) resolve();
    };
    sandbox.stdout!.on('data', watch);
    sandbox.stderr!.on('data', watch);
    sandbox.on('exit', (code) => reject(new Error(`roster sandbox exited (${code}): ${seen}`)));
  });
  // A tight update threshold for pulse, so this plan is over it whatever the sample holds.
  const configFile = join(dir, 'sandbox.yaml');
  const config = parse(readFileSync(configFile, 'utf8')) as { vendors: Record<string, { policy: { thresholds: { update: number; minUsers: number } } }> };
  config.vendors.pulse.policy.thresholds = { ...config.vendors.pulse.policy.thresholds, update: 0.01, minUsers: 1 };
  writeFileSync(configFile, stringify(config));
  sandboxEnv = Object.fromEntries(
    readFileSync(join(dir, 'sandbox.yaml.env'), 'utf8')
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => {
        const [name, ...value] = line.split('=');
        return [name, value.join('=').replace(/^['"]|['"]$/g, '')];
      }),
  );
});

afterAll(async () => {
  sandbox?.kill('SIGTERM');
  await gh?.close();
});

function event(payload: unknown): string {
  const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

function roster(args: string[], env: Record<string, string> = {}, options: { spawn?: boolean } = {}) {
  return runCli(['-c', join(dir, 'sandbox.yaml'), ...args], {
    ...options,
    cwd: dir,
    env: { ...sandboxEnv, ...githubEnv(gh, env) },
  });
}

describe('roster on GitHub, end to end', () => {
  it('comments the plan once, then refuses to apply a plan other than the reviewed one', async () => {
    addPullRequest(gh, 7, { commits: ['aaa111'] });
    const onPr = { GITHUB_EVENT_PATH: event({ pull_request: { number: 7 } }) };

    const first = await roster(['plan', '--github-comment', '--format', 'markdown', '--force'], onPr);
    expect(first.stderr).toContain('plan comment created');
    expect(first.code).toBe(0);
    const again = await roster(['plan', '--github-comment', '--force'], onPr);
    expect(again.stderr).toContain('plan comment updated');
    expect(gh.comments).toHaveLength(1);
    // The markdown on stdout (the full-plan artifact) and the comment come from the same plan.
    const reviewed = parseChecksumMarker(gh.comments[0].body)!;
    // The sample is over pulse's update threshold: the comment says apply will refuse without --force.
    expect(gh.comments[0].body).toMatch(/Over a safety threshold[\s\S]*> - pulse: the plan would update/);
    expect(parseChecksumMarker(first.stdout)?.checksum).toBe(reviewed.checksum);
    expect(first.stdout).not.toMatch(PHONE);

    // The pull request merges; apply on main looks up the reviewed checksum.
    gh.pulls.find((p) => p.number === 7)!.merged_at = '2026-11-23T09:00:00Z';
    gh.pulls.find((p) => p.number === 7)!.merge_commit_sha = 'abc123';
    const lookup = await roster(['github', 'checksum'], { GITHUB_SHA: 'abc123' }, { spawn: true });
    expect(lookup.code).toBe(0);
    expect(lookup.stdout.trim()).toBe(reviewed.checksum);
    const oneVendor = await roster(['github', 'checksum', '--vendor', 'pulse'], { GITHUB_SHA: 'abc123' });
    expect(oneVendor.stdout.trim()).toBe(reviewed.vendors.pulse);

    // A different plan than the one reviewed: refused, nothing written.
    const before = await roster(['plan', '--format', 'json']);
    const refused = await roster(['apply', '--yes', '--force', '--expect-checksum', 'f'.repeat(64), '--report', 'refused.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('differs from the reviewed plan');
    expect(refused.stderr).toContain('nothing was applied');
    expect(existsSync(join(dir, 'refused.json'))).toBe(false);
    const after = await roster(['plan', '--format', 'json']);
    expect(after.stdout).toBe(before.stdout);

    // The drift check opens the issue while live users differ from git.
    const drift = await roster(['drift', '--github-issue']);
    expect(drift.code).toBe(2);
    expect(drift.stderr).toMatch(/drift issue #\d+ .*: opened/);
    expect(gh.issues.find((i) => i.labels.includes('roster-drift'))?.state).toBe('open');

    // The reviewed plan applies; afterwards there is no drift and the issue closes.
    const applied = await roster(['apply', '--yes', '--force', '--expect-checksum', reviewed.checksum, '--report', 'apply-report.json']);
    expect(applied.stderr).toContain('the plan matches the reviewed plan');
    expect(existsSync(join(dir, 'apply-report.json'))).toBe(true);
    const settled = await roster(['drift', '--github-issue']);
    if (settled.code === 0) {
      expect(settled.stderr).toContain('closed');
      expect(gh.issues.find((i) => i.labels.includes('roster-drift'))?.state).toBe('closed');
    } else {
      // Whatever the sample leaves over (a vendor rule refusing someone) keeps the issue open, updated.
      expect(settled.stderr).toMatch(/updated/);
    }

    expect(gh.sent()).not.toMatch(PHONE);
    expect(gh.sent()).not.toContain(sandboxEnv.ENERFLO_API_KEY ?? 'no-key');
  }, 240_000);

  it('masks a report in place before it is uploaded', async () => {
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify({ startedAt: '2026-11-23T08:00:00.000Z', error: 'phone (512) 555-0142 refused, born 1990-01-02' }));
    const result = await roster(['github', 'mask', file]);
    expect(result.code).toBe(0);
    const masked = readFileSync(file, 'utf8');
    expect(masked).not.toMatch(PHONE);
    expect(masked).not.toContain('1990-01-02');
    expect(masked).toContain('2026-11-23T08:00:00.000Z');
    expect(JSON.parse(masked).error).toBe('phone +1 ••• ••• 0142 refused, born ••••-••-••');
  });

  it('names the missing variable instead of planning', async () => {
    const result = await runCli(['-c', join(dir, 'sandbox.yaml'), 'drift', '--github-issue'], {
      env: { ...sandboxEnv, GITHUB_TOKEN: '', GITHUB_REPOSITORY: '' },
      spawn: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('GITHUB_TOKEN');
    expect(result.stderr).toContain('GITHUB_REPOSITORY');
    expect(result.stderr).not.toContain('    at ');
  });

  it('reports invalid declared state as annotations, in the job summary and in the plan comment', async () => {
    const ws = await makeWorkspace(
      { vendors: { enerflo: { kind: 'enerflo', baseUrl: 'https://enerflo.io', credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } } } },
      { 'team.yaml': 'people:\n  - email: not-an-email\n    firstName: A\n    lastName: B\n    roles: [rep]\n    phone: "512-555-0199"\n' },
    );
    try {
      addPullRequest(gh, 21);
      const summary = join(ws.dir, 'summary.md');
      const result = await runCli(['-c', ws.configFile, 'github', 'validate', '--comment'], {
        cwd: ws.dir,
        env: {
          GITHUB_TOKEN: gh.token,
          GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
          GITHUB_API_URL: gh.url,
          GITHUB_EVENT_PATH: event({ pull_request: { number: 21, head: { sha: 'feed42' } } }),
          GITHUB_SERVER_URL: 'https://github.example',
          GITHUB_WORKSPACE: ws.dir,
          GITHUB_STEP_SUMMARY: summary,
        },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^::error file=users\/team\.yaml,line=2,col=\d+,title=roster%3A people\[0\]\.email::/m);
      expect(readFileSync(summary, 'utf8')).toContain('](https://github.example/acme/people/blob/feed42/users/team.yaml#L2)');
      const comment = gh.comments.find((c) => c.issue === 21);
      expect(comment?.body).toContain('No plan:');
      expect(gh.sent()).not.toMatch(PHONE);
    } finally {
      await ws.remove();
    }
  });
});
