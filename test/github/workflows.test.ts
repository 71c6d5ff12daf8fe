import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
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
    // A tag can be moved to other code by whoever controls the action; a full commit SHA cannot (issue 23).
    if (typeof step.uses === 'string' && !step.uses.startsWith('./')) {
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(step.uses)) {
        problems.push(`${at}: "${step.uses}" is not pinned to a full 40-hex commit SHA`);
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
  // concurrency: group, cancel-in-progress and (GitHub changelog 2026-05-07) queue: max, only with cancel-in-progress false.
  for (const [where, c] of [[name, workflow.concurrency], ...Object.entries(isObj(workflow.jobs) ? workflow.jobs : {}).map(([j, job]) => [`${name}: jobs.${j}`, isObj(job) ? job.concurrency : undefined])] as [string, Json | undefined][]) {
    if (!isObj(c)) continue;
    for (const key of Object.keys(c)) if (!['group', 'cancel-in-progress', 'queue'].includes(key)) problems.push(`${where}: unknown concurrency key ${key}`);
    if (c.queue !== undefined && (c.queue !== 'max' || c['cancel-in-progress'] === true)) problems.push(`${where}: concurrency queue takes "max", with cancel-in-progress false`);
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
    // What the job's token may do: its own permissions, else the workflow's; a mapping of known scopes.
    const effective = job.permissions ?? permissions;
    if (!isObj(effective)) problems.push(`${where}: permissions must be a mapping of scopes (minimal), not ${JSON.stringify(effective)}`);
    else {
      for (const [scope, level] of Object.entries(effective)) {
        if (!PERMISSION_SCOPES.has(scope)) problems.push(`${where}: unknown permission scope ${scope}`);
        if (!['read', 'write', 'none'].includes(String(level))) problems.push(`${where}: permission ${scope}: ${String(level)}`);
      }
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

const CORE_WORKFLOWS = ['apply.yml', 'drift.yml', 'plan.yml', 'roster-due.yml'];
const readWorkflow = (file: string) => load(readFileSync(join(workflowsDir, file), 'utf8'), file);
const jobsOf = (workflow: Obj): [string, Obj][] => Object.entries((workflow.jobs ?? {}) as Obj).filter((e): e is [string, Obj] => isObj(e[1]));
const stepsOf = (job: Obj): Obj[] => (Array.isArray(job.steps) ? job.steps : []).filter(isObj);
const eventsOf = (workflow: Obj): string[] =>
  typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on.map(String) : Object.keys((workflow.on ?? {}) as Obj);
/** Jobs whose steps run roster against vendors with `cmd` (apply, drift, plan). */
const runsRoster = (job: Obj, cmd: string) => stepsOf(job).some((st) => typeof st.run === 'string' && new RegExp(`cli\\.js (.*\\s)?${cmd}\\b`).test(st.run));

/**
 * Why a workflow started by a pull request could run the pull request's code (issue 23), for any
 * workflow file. On `pull_request` GitHub runs the pull request's own copy of the file, so it gets no
 * secret and no environment at all. On `pull_request_target` (the default branch's copy, with secrets)
 * a checkout of the pull request is data only: sparse, roster.yaml and users/; every command runs a tool
 * from a checkout of the default branch (npm in its folder, node on a file inside it) or a SHA-pinned
 * action (roster's own, built from its release); no local action.
 */
function pullRequestCodeProblems(workflow: Obj, name: string): string[] {
  const problems: string[] = [];
  const events = eventsOf(workflow);
  const text = JSON.stringify(workflow);
  if (events.includes('pull_request') && (/secrets\./.test(text) || jobsOf(workflow).some(([, job]) => job.environment))) {
    problems.push(`${name}: on pull_request GitHub runs the pull request's copy of this file: no secrets or environments there`);
  }
  if (!events.some((e) => e === 'pull_request_target' || e === 'pull_request' || e === 'workflow_run')) return problems;
  for (const [jobName, job] of jobsOf(workflow)) {
    const where = `${name}: jobs.${jobName}`;
    if (/secrets\./.test(JSON.stringify(job)) && !/github\.event\.pull_request\.head\.repo\.full_name == github\.repository/.test(String(job.if))) {
      problems.push(`${where}: uses secrets without the fork guard (head.repo.full_name == github.repository)`);
    }
    const toolPaths: string[] = [];
    const dataPaths: string[] = [];
    for (const [i, step] of stepsOf(job).entries()) {
      const at = `${where}.steps[${i}]`;
      const uses = typeof step.uses === 'string' ? step.uses : '';
      const withs = isObj(step.with) ? step.with : {};
      if (uses.startsWith('./')) problems.push(`${at}: a local action (${uses}) may come from the pull request`);
      if (/^actions\/checkout@/.test(uses)) {
        const ref = String(withs.ref ?? '');
        const path = normalize(String(withs.path ?? '.'));
        const fromPull = /pull_request\.head|head_ref|merge_commit_sha|refs\/pull/.test(ref) || /pull_request\.head\.repo/.test(String(withs.repository ?? ''));
        if (!fromPull) {
          if (ref) problems.push(`${at}: checks out ${ref}; roster must come from the workflow's own commit`);
          toolPaths.push(path);
          continue;
        }
        const sparse = String(withs['sparse-checkout'] ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
        const allowed = ['/roster.yaml', '/users/'];
        if (!sparse.length || sparse.some((l) => !allowed.includes(l)) || withs['sparse-checkout-cone-mode'] !== false) {
          problems.push(`${at}: the pull request is checked out beyond its declared state (sparse, non-cone: ${allowed.join(' ')})`);
        }
        if (withs['persist-credentials'] !== false) problems.push(`${at}: the pull request checkout keeps the token (persist-credentials: false)`);
        dataPaths.push(path);
      }
      if (/^actions\/setup-node@/.test(uses) && withs.cache) {
        const lock = normalize(String(withs['cache-dependency-path'] ?? 'package-lock.json'));
        if (!toolPaths.some((t) => inside(lock, t) && !dataPaths.some((d) => d !== t && inside(lock, d) && d.length > t.length))) {
          problems.push(`${at}: the npm cache is keyed on a lockfile outside roster's own checkout (${lock})`);
        }
      }
      if (typeof step.run !== 'string') continue;
      const cwd = normalize(String(step['working-directory'] ?? '.'));
      const inTool = (p: string) => toolPaths.some((t) => inside(p, t)) && !dataPaths.some((d) => d !== '.' && inside(p, d));
      for (const line of step.run.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        for (const cmd of line.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
          const words = cmd.split(/\s+/).filter((w) => !/^\w+=/.test(w));
          const program = words[0] ?? '';
          if (/^(npm|npx|yarn|pnpm|make|bun|deno)$/.test(program) && !inTool(cwd)) problems.push(`${at}: "${cmd}" runs in ${cwd}, not in roster's own checkout`);
          if (program === 'node' && !inTool(normalize(join(cwd, words[1] ?? '')))) problems.push(`${at}: "${cmd}" runs a file outside roster's own checkout`);
          if (/^(\.\/|bash$|sh$|source$|\.$)/.test(program)) problems.push(`${at}: "${cmd}" runs a script file`);
        }
      }
    }
  }
  return problems;
}

function inside(path: string, dir: string): boolean {
  return dir === '.' || path === dir || path.startsWith(`${dir}/`);
}

/** Minutes from local midnight to the next run of a cron whose day fields are all `*`, for one day in one zone. */
function minutesAfterMidnight(cron: string, timeZone: string, day: Date): number {
  const [minute, hour, ...days] = cron.trim().split(/\s+/);
  expect(days, cron).toEqual(['*', '*', '*']);
  const field = (f: string, max: number) =>
    f === '*' ? Array.from({ length: max }, (_, i) => i) : f.split(',').flatMap((p) => (/^\*\/(\d+)$/.test(p) ? Array.from({ length: max }, (_, i) => i).filter((i) => i % Number(p.slice(2)) === 0) : [Number(p)]));
  const minutes = field(minute, 60);
  const hours = field(hour, 24);
  const fires = (d: Date) => hours.includes(d.getUTCHours()) && minutes.includes(d.getUTCMinutes());
  // Local midnight of `day` in the zone: the UTC minute when the local date turns to that day.
  const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const target = day.toISOString().slice(0, 10);
  let t = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - 16 * 3_600_000;
  while (!local.format(new Date(t)).startsWith(target)) t += 60_000;
  for (let m = 0; m < 48 * 60; m++) if (fires(new Date(t + m * 60_000))) return m;
  return Infinity;
}

/**
 * ROSTER_COMMENT_KEY signs the plan comment and checks the signature (src/github/comment-signature.ts): the
 * step that posts the comment (`plan --github-comment`, by the CLI or the action) and the one that reads
 * the reviewed checksum (`github checksum`) get it from the secret of the same name, inside the roster-plan
 * or roster-apply environment; no other step, job or workflow-level env holds it.
 */
function commentKeyProblems(workflow: Obj, name: string): string[] {
  const problems: string[] = [];
  const wanted = '${{ secrets.ROSTER_COMMENT_KEY }}';
  if (isObj(workflow.env) && 'ROSTER_COMMENT_KEY' in workflow.env) problems.push(`${name}: ROSTER_COMMENT_KEY in the workflow's env reaches every step`);
  for (const [jobName, job] of jobsOf(workflow)) {
    const where = `${name}: jobs.${jobName}`;
    if (isObj(job.env) && 'ROSTER_COMMENT_KEY' in job.env) problems.push(`${where}: ROSTER_COMMENT_KEY in the job's env reaches every step`);
    const environment = isObj(job.environment) ? job.environment.name : job.environment;
    stepsOf(job).forEach((step, i) => {
      const at = `${where}.steps[${i}]`;
      const command = `${String(step.run ?? '')} ${String((isObj(step.with) && step.with.args) ?? '')}`;
      const signs = /\bplan\b[^\n]*--github-comment/.test(command) || /\bgithub checksum\b/.test(command);
      const key = isObj(step.env) ? step.env.ROSTER_COMMENT_KEY : undefined;
      if (!signs) {
        if (key !== undefined) problems.push(`${at}: ROSTER_COMMENT_KEY where nothing is signed or checked`);
        return;
      }
      if (key !== wanted) problems.push(`${at}: signs or checks the plan comment without ROSTER_COMMENT_KEY: ${wanted}`);
      if (environment !== 'roster-plan' && environment !== 'roster-apply') problems.push(`${at}: ROSTER_COMMENT_KEY outside the roster-plan and roster-apply environments`);
    });
  }
  return problems;
}

describe('GitHub workflows', () => {
  it('exist: plan, apply, drift and the dated apply (other workflows may join them)', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(CORE_WORKFLOWS));
  });

  for (const file of workflowFiles) {
    it(`${file} passes the structural lint`, () => {
      const workflow = load(readFileSync(join(workflowsDir, file), 'utf8'), file);
      expect(lintWorkflow(workflow, file)).toEqual([]);
    });
  }

  it('pin every third-party action to a full commit SHA, the tag beside it as a comment (workflows, action.yml, the docs)', () => {
    const sources = [
      ...workflowFiles.map((f) => ({ name: f, text: readFileSync(join(workflowsDir, f), 'utf8') })),
      { name: 'action.yml', text: readFileSync(join(repoRoot, 'action.yml'), 'utf8') },
      ...[...readFileSync(join(repoRoot, 'docs/github.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => ({ name: `docs block ${i}`, text: m[1] })),
    ];
    const problems: string[] = [];
    let seen = 0;
    for (const { name, text } of sources) {
      for (const line of text.split('\n')) {
        // Comments too: an example in a comment gets copied like any other line.
        const m = /^\s*(?:#\s*)?-?\s*uses:\s*['"]?([^'"\s#]+)['"]?\s*(#.*)?$/.exec(line);
        if (!m || m[1].startsWith('./') || m[1].startsWith('docker://')) continue;
        seen++;
        if (m[1].includes('<40-hex')) continue; // the placeholder for roster's own release in action.yml's comment
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1])) problems.push(`${name}: ${m[1]} is not pinned to a full commit SHA`);
        else if (!/^#\s*v\d/.test(m[2] ?? '')) problems.push(`${name}: ${m[1]} has no "# vX.Y.Z" comment naming the tag`);
      }
    }
    expect(problems).toEqual([]);
    expect(seen).toBeGreaterThan(10);
  });

  it('never build or run code from the pull request where secrets are (every workflow a pull request starts)', () => {
    for (const file of workflowFiles) expect(pullRequestCodeProblems(readWorkflow(file), file), file).toEqual([]);
    // The plan takes the declared state from the pull request, and only that.
    const plan = readWorkflow('plan.yml');
    expect(eventsOf(plan)).toEqual(['pull_request_target']);
    const checkouts = jobsOf(plan).flatMap(([, job]) => stepsOf(job)).filter((st) => String(st.uses).startsWith('actions/checkout@'));
    expect(checkouts.map((c) => (c.with as Obj).ref ?? null)).toEqual(['${{ github.event.pull_request.head.sha }}', null]);
  });

  it('the check catches a workflow that builds the pull request, or runs anything of it', () => {
    const sha = 'd23441a48e516b6c34aea4fa41551a30e30af803';
    const wf = (steps: string[], on = 'pull_request_target') =>
      load(
        [
          'name: x',
          `on: ${on}`,
          'permissions: {}',
          'jobs:',
          '  plan:',
          '    if: github.event.pull_request.head.repo.full_name == github.repository',
          '    runs-on: ubuntu-latest',
          '    timeout-minutes: 5',
          '    steps:',
          ...steps.map((l) => `      ${l}`),
        ].join('\n'),
        'x.yml',
      );
    const prData = [
      `- uses: actions/checkout@${sha}`,
      '  with: { ref: "${{ github.event.pull_request.head.sha }}", persist-credentials: false, sparse-checkout-cone-mode: false, sparse-checkout: "/roster.yaml\\n/users/" }',
    ];
    const tool = [`- uses: actions/checkout@${sha}`, '  with: { path: .roster, persist-credentials: false }'];
    const ok = wf([...prData, ...tool, '- run: npm ci', '  working-directory: .roster', '- run: node .roster/dist/cli.js plan', '  env: { K: "${{ secrets.K }}" }']);
    expect(pullRequestCodeProblems(ok, 'ok')).toEqual([]);
    const problems = (steps: string[], on?: string) => pullRequestCodeProblems(wf(steps, on), 'bad').join('\n');
    // The whole pull request checked out, then built.
    expect(problems([`- uses: actions/checkout@${sha}`, '  with: { ref: "${{ github.event.pull_request.head.sha }}", persist-credentials: false }', '- run: npm ci && npm run build'])).toMatch(
      /beyond its declared state[\s\S]*npm ci" runs in \., not in roster's own checkout/,
    );
    // Sparse, but with the package files too.
    expect(problems([prData[0], prData[1].replace('/users/', '/users/\\n/package.json'), ...tool])).toContain('beyond its declared state');
    // roster run from the data folder, npm in the workspace root the pull request fills, a script of it, a local action.
    expect(problems([...prData, ...tool, '- run: node dist/cli.js plan'])).toContain('runs a file outside roster');
    expect(problems([...prData, ...tool, '- run: npm ci'])).toContain('not in roster\'s own checkout');
    expect(problems([...prData, ...tool, '- run: ./users/hook.sh'])).toContain('runs a script file');
    expect(problems([...prData, ...tool, '- run: bash users/x'])).toContain('runs a script file');
    expect(problems([...prData, '- uses: ./.github/actions/plan'])).toContain('local action');
    // The npm cache keyed on the pull request's lockfile.
    expect(problems([...prData, ...tool, `- uses: actions/setup-node@${sha}`, '  with: { node-version: 20, cache: npm }'])).toContain('npm cache');
    // Keys on pull_request (the pull request's own copy of the file), or without the fork guard.
    expect(problems(['- run: echo', '  env: { K: "${{ secrets.K }}" }'], 'pull_request')).toContain('no secrets or environments');
    expect(pullRequestCodeProblems({ ...ok, jobs: { plan: { ...((ok.jobs as Obj).plan as Obj), if: true } } }, 'x').join('\n')).toContain('fork guard');
  });

  it('pass every vendor credential from the secret of the same name, and the token where GitHub is written', () => {
    const names = credentialEnvNames();
    expect(names.length).toBeGreaterThan(0);
    for (const file of workflowFiles) {
      const workflow = load(readFileSync(join(workflowsDir, file), 'utf8'), file);
      const steps = vendorSteps(workflow);
      if (CORE_WORKFLOWS.includes(file)) expect(steps.length, file).toBeGreaterThan(0);
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

  it('keep vendor keys in environments: write keys (roster-apply) for apply and the morning run only, read-only keys (roster-plan) for plan and drift', () => {
    for (const file of workflowFiles) {
      const workflow = readWorkflow(file);
      for (const [name, job] of jobsOf(workflow)) {
        const usesSecrets = /secrets\./.test(JSON.stringify(job));
        const environment = isObj(job.environment) ? job.environment.name : job.environment;
        if (usesSecrets) expect(environment, `${file}: jobs.${name} reads vendor keys outside an environment`).toBeTruthy();
        if (runsRoster(job, 'apply')) expect(environment, `${file}: jobs.${name}`).toBe('roster-apply');
        else expect(environment, `${file}: jobs.${name} gets the write keys but does not apply`).not.toBe('roster-apply');
        if (eventsOf(workflow).some((e) => e.startsWith('pull_request'))) expect(environment, file).not.toBe('roster-apply');
      }
    }
    expect(jobsOf(readWorkflow('plan.yml'))[0][1].environment).toBe('roster-plan');
    expect(jobsOf(readWorkflow('drift.yml'))[0][1].environment).toBe('roster-plan');
  });

  it('sign the plan comment (plan.yml) and check the signature (apply.yml) with ROSTER_COMMENT_KEY, held by those two steps only', () => {
    for (const file of workflowFiles) expect(commentKeyProblems(readWorkflow(file), file)).toEqual([]);
    const step = (workflow: string, pattern: RegExp) => jobsOf(readWorkflow(workflow)).flatMap(([, job]) => stepsOf(job)).find((st) => pattern.test(String(st.run)));
    expect((step('plan.yml', /plan --github-comment/)?.env as Obj).ROSTER_COMMENT_KEY).toBe('${{ secrets.ROSTER_COMMENT_KEY }}');
    expect((step('apply.yml', /github checksum/)?.env as Obj).ROSTER_COMMENT_KEY).toBe('${{ secrets.ROSTER_COMMENT_KEY }}');
    // The check itself: a plan step without the key, the key in a step that signs nothing, the key for the whole job.
    const wf = (env: string, run: string, jobEnv = '') =>
      load(['on: push', 'permissions: {}', 'jobs:', '  a:', '    environment: roster-plan', ...(jobEnv ? [`    env: { ${jobEnv} }`] : []), '    steps:', `      - run: ${run}`, `        env: { ${env} }`].join('\n'), 'x.yml');
    expect(commentKeyProblems(wf('GITHUB_TOKEN: t', 'node dist/cli.js plan --github-comment'), 'x.yml').join('\n')).toContain('without ROSTER_COMMENT_KEY');
    expect(commentKeyProblems(wf('ROSTER_COMMENT_KEY: "${{ secrets.ROSTER_COMMENT_KEY }}"', 'node dist/cli.js drift'), 'x.yml').join('\n')).toContain('where nothing is signed or checked');
    expect(commentKeyProblems(wf('GITHUB_TOKEN: t', 'echo', 'ROSTER_COMMENT_KEY: "${{ secrets.ROSTER_COMMENT_KEY }}"'), 'x.yml').join('\n')).toContain("in the job's env");
  });

  it('ask for the least they need, job by job', () => {
    const permissions = (file: string) => {
      const workflow = readWorkflow(file);
      return jobsOf(workflow).map(([, job]) => job.permissions ?? workflow.permissions);
    };
    expect(permissions('plan.yml')).toEqual([{ contents: 'read', 'pull-requests': 'write' }]);
    expect(permissions('apply.yml')).toEqual([{ contents: 'read', 'pull-requests': 'read' }]);
    expect(permissions('drift.yml')).toEqual([{ contents: 'read', issues: 'write' }]);
    expect(permissions('roster-due.yml')).toEqual([{ contents: 'read' }]);
    expect(permissions('roster-report.yml')).toEqual([{ contents: 'read', 'pull-requests': 'read', actions: 'read' }]);
    // Nothing is granted beyond what a job asks for, in any workflow.
    for (const file of workflowFiles) {
      const workflow = readWorkflow(file);
      for (const [name, job] of jobsOf(workflow)) {
        const p = job.permissions ?? workflow.permissions;
        expect(isObj(p), `${file}: jobs.${name}`).toBe(true);
        if (!runsRoster(job, 'plan') && !/--github-comment|pulls|gh pr/.test(JSON.stringify(job))) expect((p as Obj)['pull-requests'], `${file}: jobs.${name}`).not.toBe('write');
      }
    }
  });

  it('write one at a time: apply, the morning run and drift share one concurrency group and queue in it', () => {
    const group = { group: 'roster-vendors', 'cancel-in-progress': false, queue: 'max' };
    for (const file of ['apply.yml', 'roster-due.yml', 'drift.yml']) expect(readWorkflow(file).concurrency, file).toEqual(group);
    // Any workflow that writes to vendors or reports drift, whoever adds it, joins the same group.
    for (const file of workflowFiles) {
      const workflow = readWorkflow(file);
      if (jobsOf(workflow).some(([, job]) => runsRoster(job, 'apply') || runsRoster(job, 'drift'))) expect(workflow.concurrency, file).toEqual(group);
    }
  });

  it('start every office day on time, from Honolulu to Manila, daylight saving included', () => {
    const crons = ((readWorkflow('roster-due.yml').on as Obj).schedule as Obj[]).map((e) => String(e.cron));
    const zones = ['Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Phoenix', 'America/Denver', 'America/Chicago', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Manila'];
    // Each day of 2027 around the daylight-saving changes, and a plain one.
    const days = ['2027-01-15', '2027-03-14', '2027-03-15', '2027-03-28', '2027-06-21', '2027-11-07', '2027-11-08', '2027-12-31'].map((d) => new Date(`${d}T00:00:00Z`));
    for (const zone of zones) {
      for (const day of days) {
        const delay = Math.min(...crons.map((c) => minutesAfterMidnight(c, zone, day)));
        expect(delay, `${zone} ${day.toISOString().slice(0, 10)}`).toBeLessThan(60);
      }
    }
    // The old once-a-day 09:17 UTC would have started Honolulu's day at 23:17 the day before.
    expect(minutesAfterMidnight('17 9 * * *', 'Pacific/Honolulu', days[0])).toBeGreaterThan(60);
  });

  it('apply with the reviewed checksum and the reviewed override, and keep the report; drift uploads the plan its issue links to', () => {
    const text = readFileSync(join(workflowsDir, 'apply.yml'), 'utf8');
    expect(text).toContain('apply --yes $FORCE --expect-checksum "$EXPECTED_CHECKSUM" --report apply-report.json');
    // --force only from the reviewed override (two people) of the merged pull request.
    expect(text).toContain('node dist/cli.js github override --sha "$GITHUB_SHA"');
    expect(text).toContain('FORCE: ${{ steps.override.outputs.force }}');
    expect(text).toContain('path: apply-report.json');
    // The reviewed seal names what differs; the base is the commit before the push, as the plan's was the base branch.
    expect(text).toContain('github checksum --sha "$GITHUB_SHA" --seal-out reviewed-seal.json');
    expect(text).toContain('${REVIEWED_SEAL:+--expect-seal "$REVIEWED_SEAL"} ${BASE:+--base "$BASE"}');
    expect(text).toContain("BASE: ${{ github.event_name == 'push' && github.event.before || inputs.base }}");
    expect(text).toContain('fetch-depth: 0');
    const plan = readFileSync(join(workflowsDir, 'plan.yml'), 'utf8');
    expect(plan).toContain('plan --github-comment');
    // A pull request's plan reads only the people its change touches, from the trusted default-branch checkout.
    expect(plan).toContain('plan --github-comment --format markdown --base .roster');
    expect(plan).toContain('github validate');
    expect(plan).toContain('actions/upload-artifact@');
    const drift = readWorkflow('drift.yml');
    const driftSteps = jobsOf(drift).flatMap(([, job]) => stepsOf(job));
    const check = driftSteps.find((st) => /drift --github-issue > roster-plan\.txt/.test(String(st.run)));
    expect(check, 'drift writes the whole plan to a file').toBeDefined();
    const upload = driftSteps.find((st) => String(st.uses).startsWith('actions/upload-artifact@'));
    // The name the cut note and the issue point to: "the roster-plan artifact of this workflow run".
    expect(upload?.with).toMatchObject({ name: 'roster-plan', path: 'roster-plan.txt' });
    expect(driftSteps.some((st) => /github mask roster-plan\.txt/.test(String(st.run)))).toBe(true);
    // Dates: the whole history (it counts from git's last change), the masked report kept.
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
        'concurrency: { group: g, cancel-in-progress: true, queue: max, que: 1 }',
        'jobs:',
        '  a:',
        '    steps:',
        '      - uses: actions/checkout@main',
        '      - uses: actions/setup-node@v4',
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
    expect(problems).toContain('unknown concurrency key que');
    expect(problems).toContain('concurrency queue takes "max", with cancel-in-progress false');
    expect(problems).toContain('"actions/setup-node@v4" is not pinned to a full 40-hex commit SHA');
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

  it('has examples a platform engineer can copy as they are: fork guard, keys, the override, one queue, no pull request code', () => {
    const text = readFileSync(join(repoRoot, 'docs/github.md'), 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^jobs:/m.test(b));
    const names = credentialEnvNames();
    const group = { group: 'roster-vendors', 'cancel-in-progress': false, queue: 'max' };
    for (const [i, block] of blocks.entries()) {
      const workflow = load(block, `docs block ${i}`);
      expect(pullRequestCodeProblems(workflow, `docs block ${i}`)).toEqual([]);
      for (const [name, job] of jobsOf(workflow)) {
        const at = `docs block ${i}: jobs.${name}`;
        // Every step that talks to vendors (the action, or the CLI) gets every key roster.yaml names, from an environment.
        for (const step of stepsOf(job).filter((st) => /cli\.js (plan|apply|drift)\b/.test(String(st.run)) || /\/roster@/.test(String(st.uses)))) {
          for (const key of names) expect((step.env as Obj | undefined)?.[key], `${at}: ${key}`).toBe(`\${{ secrets.${key} }}`);
          expect(job.environment, at).toBeTruthy();
        }
        if (runsRoster(job, 'apply')) {
          expect(workflow.concurrency, at).toEqual(group);
          expect(job.environment, at).toBe('roster-apply');
          // The matrix too: --force comes only from the reviewed override, the checksum from the reviewed plan.
          const runs = stepsOf(job).map((st) => String(st.run ?? '')).join('\n');
          expect(runs, at).toContain('github override --sha "$GITHUB_SHA"');
          expect(runs, at).toMatch(/apply --yes \$FORCE .*--expect-checksum "\$EXPECTED_CHECKSUM"/);
        }
      }
    }
    // The plan comment is signed and checked with ROSTER_COMMENT_KEY in the examples too.
    for (const [i, block] of blocks.entries()) expect(commentKeyProblems(load(block, `docs block ${i}`), `docs block ${i}`)).toEqual([]);
    expect(blocks.filter((b) => /--github-comment|github checksum/.test(b)).every((b) => b.includes('ROSTER_COMMENT_KEY: ${{ secrets.ROSTER_COMMENT_KEY }}'))).toBe(true);
    const pulls = blocks.filter((b) => /pull_request/.test(b));
    expect(pulls.length).toBeGreaterThan(0);
    for (const b of pulls) expect(b).toContain('if: github.event.pull_request.head.repo.full_name == github.repository');
    expect(blocks.filter((b) => /matrix:/.test(b)).every((b) => b.includes('github override'))).toBe(true);
    // The trust chain table is there.
    expect(text).toMatch(/## The trust chain\n[\s\S]*\| who or what \| can \| cannot, because \|/);
  });
});
