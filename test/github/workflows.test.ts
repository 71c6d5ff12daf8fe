import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repoRoot } from '../helpers/workspace.js';

/**
 * The structural checks actionlint would make, for CI machines that cannot download its binary:
 * the files parse (no duplicate keys), every job has runs-on and steps, every action is pinned to a
 * version, permissions are present and minimal, `${{ }}` expressions are balanced and name known
 * contexts, step outputs refer to earlier steps, untrusted values never land in a shell script, and
 * the vendor credentials the config references are passed from secrets of the same name.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const workflowsDir = join(repoRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));

function load(text: string, name: string): Obj {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map((e) => `${name}: ${e.message}`)).toEqual([]);
  return doc.toJS() as Obj;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every string in a value, with where it sits. */
function strings(value: Json | undefined, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => [...strings(k, `${path}.<key>`), ...strings(v, `${path}.${k}`)]);
  return [];
}

const CONTEXTS = new Set(['github', 'env', 'vars', 'secrets', 'steps', 'matrix', 'inputs', 'needs', 'runner', 'job', 'strategy']);
const FUNCTIONS = new Set(['always', 'success', 'failure', 'cancelled', 'hashFiles', 'contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON']);

/** Problems with the `${{ }}` expressions in one string. */
function expressionProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  const opens = text.split('${{').length - 1;
  const bodies = [...text.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1]);
  if (bodies.length !== opens) problems.push(`${where}: unbalanced \${{ }}`);
  for (const body of bodies) {
    const withoutStrings = body.replace(/'(?:[^']|'')*'/g, "''");
    for (const m of withoutStrings.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)(?=\s*[.(]|\s*$|\s*[!=&|)])/g)) {
      const name = m[1];
      if (!CONTEXTS.has(name) && !FUNCTIONS.has(name) && !['true', 'false', 'null'].includes(name)) {
        problems.push(`${where}: unknown context or function "${name}" in \${{${body}}}`);
      }
    }
  }
  return problems;
}

/** Values an attacker controls (titles, branch names, dispatch inputs) must reach scripts through env. */
const UNTRUSTED_IN_SCRIPT = /\$\{\{[^}]*\b(github\.event|github\.head_ref|inputs\.|steps\.[\w-]+\.outputs)/;

function checkSteps(steps: Json | undefined, where: string, composite: boolean): string[] {
  const problems: string[] = [];
  if (!Array.isArray(steps) || steps.length === 0) return [`${where}: no steps`];
  const seenIds: string[] = [];
  steps.forEach((step, i) => {
    const at = `${where}.steps[${i}]`;
    if (!isObj(step)) return problems.push(`${at}: not a mapping`);
    const kinds = ['run', 'uses'].filter((k) => k in step);
    if (kinds.length !== 1) problems.push(`${at}: needs exactly one of run or uses`);
    if (typeof step.uses === 'string' && !step.uses.startsWith('./')) {
      if (!/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(step.uses)) {
        problems.push(`${at}: "${step.uses}" is not pinned to a version tag or commit`);
      }
    }
    if (typeof step.run === 'string') {
      if (composite && !step.shell) problems.push(`${at}: a composite action's run step needs shell`);
      if (UNTRUSTED_IN_SCRIPT.test(step.run)) problems.push(`${at}: untrusted expression inside a script; pass it through env`);
      if (/\$\{\{\s*secrets\./.test(step.run)) problems.push(`${at}: secret inside a script; pass it through env`);
    }
    for (const s of strings(step, at)) {
      for (const m of s.text.matchAll(/steps\.([\w-]+)\.(outputs|outcome|conclusion)/g)) {
        if (!seenIds.includes(m[1])) problems.push(`${s.path}: refers to step "${m[1]}" which does not come earlier`);
      }
    }
    if (typeof step.id === 'string') {
      if (seenIds.includes(step.id)) problems.push(`${at}: duplicate step id ${step.id}`);
      seenIds.push(step.id);
    }
  });
  return problems;
}

const PERMISSION_SCOPES = new Set([
  'actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'id-token', 'issues',
  'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses',
]);

/** Everything a workflow file must satisfy; returns the problems found (empty when fine). */
function lintWorkflow(workflow: Obj, name: string): string[] {
  const problems: string[] = [];
  for (const key of ['name', 'on', 'jobs']) if (!(key in workflow)) problems.push(`${name}: no ${key}`);
  const permissions = workflow.permissions;
  if (!isObj(permissions)) problems.push(`${name}: top-level permissions must be a mapping of scopes (minimal)`);
  else {
    for (const [scope, level] of Object.entries(permissions)) {
      if (!PERMISSION_SCOPES.has(scope)) problems.push(`${name}: unknown permission scope ${scope}`);
      if (!['read', 'write', 'none'].includes(String(level))) problems.push(`${name}: permission ${scope}: ${String(level)}`);
    }
  }
  const on = workflow.on;
  if (isObj(on) && Array.isArray(on.schedule)) {
    for (const entry of on.schedule) {
      if (!isObj(entry) || typeof entry.cron !== 'string' || entry.cron.trim().split(/\s+/).length !== 5) {
        problems.push(`${name}: schedule entries need a five-field cron`);
      }
    }
  }
  const dispatchInputs = isObj(on) && isObj(on.workflow_dispatch) && isObj(on.workflow_dispatch.inputs) ? Object.keys(on.workflow_dispatch.inputs) : [];
  const jobs = workflow.jobs;
  if (!isObj(jobs) || Object.keys(jobs).length === 0) return [...problems, `${name}: no jobs`];
  for (const [jobName, job] of Object.entries(jobs)) {
    const where = `${name}: jobs.${jobName}`;
    if (!isObj(job)) {
      problems.push(`${where}: not a mapping`);
      continue;
    }
    if (!job['runs-on']) problems.push(`${where}: no runs-on`);
    if (typeof job['timeout-minutes'] !== 'number') problems.push(`${where}: no timeout-minutes (the default is 6 hours)`);
    problems.push(...checkSteps(job.steps, where, false));
    const matrixKeys = isObj(job.strategy) && isObj(job.strategy.matrix) ? Object.keys(job.strategy.matrix) : [];
    for (const s of strings(job, where)) {
      for (const m of s.text.matchAll(/\bmatrix\.([\w-]+)/g)) if (!matrixKeys.includes(m[1])) problems.push(`${s.path}: unknown matrix.${m[1]}`);
    }
  }
  for (const s of strings(workflow, name)) {
    problems.push(...expressionProblems(s.text, s.path));
    for (const m of s.text.matchAll(/\binputs\.([\w-]+)/g)) {
      if (!dispatchInputs.includes(m[1])) problems.push(`${s.path}: unknown inputs.${m[1]}`);
    }
  }
  return problems;
}

/** The env variables roster.yaml reads credentials from. */
function credentialEnvNames(): string[] {
  const config = load(readFileSync(join(repoRoot, 'roster.yaml'), 'utf8'), 'roster.yaml');
  const names = new Set<string>();
  for (const instance of Object.values((config.vendors ?? {}) as Obj)) {
    if (!isObj(instance) || !isObj(instance.credentials)) continue;
    for (const ref of Object.values(instance.credentials)) if (isObj(ref) && typeof ref.env === 'string') names.add(ref.env);
  }
  return [...names].sort();
}

/** Steps that run roster against vendors (plan, apply, drift), with the env each passes. */
function vendorSteps(workflow: Obj): Obj[] {
  return Object.values(workflow.jobs as Obj)
    .flatMap((job) => ((isObj(job) && Array.isArray(job.steps) ? job.steps : [])).filter(isObj))
    .filter((step) => typeof step.run === 'string' && /cli\.js (plan|apply|drift|report)\b/.test(step.run));
}

describe('GitHub workflows', () => {
  it('exist: plan, apply, drift and the dated apply', () => {
    expect(workflowFiles.sort()).toEqual(['apply.yml', 'drift.yml', 'plan.yml', 'roster-due.yml', 'roster-report.yml']);
  });

  for (const file of workflowFiles) {
    it(`${file} passes the structural lint`, () => {
      const workflow = load(readFileSync(join(workflowsDir, file), 'utf8'), file);
      expect(lintWorkflow(workflow, file)).toEqual([]);
    });
  }

  it('pass every vendor credential from the secret of the same name, and the token where GitHub is written', () => {
    const names = credentialEnvNames();
    expect(names.length).toBeGreaterThan(0);
    for (const file of workflowFiles) {
      const workflow = load(readFileSync(join(workflowsDir, file), 'utf8'), file);
      const steps = vendorSteps(workflow);
      expect(steps.length, file).toBeGreaterThan(0);
      for (const step of steps) {
        const env = (step.env ?? {}) as Obj;
        for (const name of names) expect(env[name], `${file}: ${name}`).toBe(`\${{ secrets.${name} }}`);
        for (const [key, value] of Object.entries(env)) {
          const secret = /\$\{\{\s*secrets\.([\w]+)\s*\}\}/.exec(String(value));
          if (secret) expect(secret[1], `${file}: env ${key}`).toBe(key);
        }
        if (/--github-(comment|issue)/.test(String(step.run))) expect(env.GITHUB_TOKEN, file).toBe('${{ github.token }}');
      }
    }
  });

  it('ask for the least they need', () => {
    const permissions = (file: string) => load(readFileSync(join(workflowsDir, file), 'utf8'), file).permissions;
    expect(permissions('plan.yml')).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(permissions('apply.yml')).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(permissions('drift.yml')).toEqual({ contents: 'read', issues: 'write' });
    expect(permissions('roster-due.yml')).toEqual({ contents: 'read' });
    expect(permissions('roster-report.yml')).toEqual({ contents: 'read', 'pull-requests': 'read', actions: 'read' });
  });

  it('apply one at a time, with the reviewed checksum, and keep the report', () => {
    const apply = load(readFileSync(join(workflowsDir, 'apply.yml'), 'utf8'), 'apply.yml');
    expect(apply.concurrency).toEqual({ group: 'roster-apply', 'cancel-in-progress': false });
    const text = readFileSync(join(workflowsDir, 'apply.yml'), 'utf8');
    expect(text).toContain('apply --yes $FORCE --expect-checksum "$EXPECTED_CHECKSUM" --report apply-report.json');
    // --force only from the reviewed override label on the merged pull request.
    expect(text).toContain('node dist/cli.js github override --sha "$GITHUB_SHA"');
    expect(text).toContain('FORCE: ${{ steps.override.outputs.force }}');
    expect(text).toContain('path: apply-report.json');
    const plan = readFileSync(join(workflowsDir, 'plan.yml'), 'utf8');
    expect(plan).toContain('plan --github-comment');
    expect(plan).toContain('github validate');
    expect(plan).toContain('actions/upload-artifact@');
    expect(readFileSync(join(workflowsDir, 'drift.yml'), 'utf8')).toContain('drift --github-issue');
    // Dates: each morning, one run at a time, the whole history (it counts from git's last change), the masked report kept.
    const due = load(readFileSync(join(workflowsDir, 'roster-due.yml'), 'utf8'), 'roster-due.yml');
    expect(due.concurrency).toEqual({ group: 'roster-due', 'cancel-in-progress': false });
    const dueText = readFileSync(join(workflowsDir, 'roster-due.yml'), 'utf8');
    expect(dueText).toContain('apply --due --yes --report apply-report.json');
    expect(dueText).toContain('fetch-depth: 0');
    expect(dueText).toContain('github mask apply-report.json');
    expect(dueText).toContain('path: apply-report.json');
  });

  it('the lint catches what it is there for', () => {
    const bad = load(
      [
        'name: bad',
        'on: push',
        'jobs:',
        '  a:',
        '    steps:',
        '      - uses: actions/checkout@main',
        '      - run: echo "${{ github.event.pull_request.title }}"',
        '      - run: echo ${{ steps.later.outputs.x }',
        '      - run: echo ${{ secret.X }}',
      ].join('\n'),
      'bad.yml',
    );
    const problems = lintWorkflow(bad, 'bad.yml').join('\n');
    expect(problems).toContain('top-level permissions');
    expect(problems).toContain('no runs-on');
    expect(problems).toContain('not pinned');
    expect(problems).toContain('untrusted expression inside a script');
    expect(problems).toContain('unbalanced');
    expect(problems).toContain('unknown context or function "secret"');
  });
});

describe('the composite action', () => {
  it('is a composite action whose steps and inputs hold together', () => {
    const action = load(readFileSync(join(repoRoot, 'action.yml'), 'utf8'), 'action.yml');
    expect(action.name).toBe('roster');
    expect(typeof action.description).toBe('string');
    const runs = action.runs as Obj;
    expect(runs.using).toBe('composite');
    expect(checkSteps(runs.steps, 'action.yml', true)).toEqual([]);
    const inputs = Object.keys(action.inputs as Obj);
    const problems: string[] = [];
    for (const s of strings(action, 'action.yml')) {
      problems.push(...expressionProblems(s.text, s.path));
      for (const m of s.text.matchAll(/\binputs\.([\w-]+)/g)) if (!inputs.includes(m[1])) problems.push(`${s.path}: unknown inputs.${m[1]}`);
    }
    expect(problems).toEqual([]);
    expect(JSON.stringify(action.outputs)).toContain('steps.roster.outputs.exit-code');
  });
});

describe('docs/github.md', () => {
  it('has workflow examples (the vendor matrix) that pass the same lint', () => {
    const doc = join(repoRoot, 'docs/github.md');
    expect(existsSync(doc)).toBe(true);
    const blocks = [...readFileSync(doc, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^jobs:/m.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    for (const [i, block] of blocks.entries()) {
      const workflow = load(block, `docs block ${i}`);
      expect(lintWorkflow(workflow, `docs/github.md block ${i}`)).toEqual([]);
    }
    expect(blocks.some((b) => /matrix:[\s\S]*vendor:/.test(b) && b.includes('--vendor'))).toBe(true);
  });
});
