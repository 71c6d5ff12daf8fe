import { runRoster } from '../../src/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

// One command at a time: a run owns the process's cwd, environment, exit code and output streams.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `roster ARGS` inside this test process, as the binary would run it: same program, same
 * commands, same cwd and environment, with stdout and stderr captured. Logic tests use it because
 * a spawned Node costs about half a second each; each command keeps one spawned smoke test.
 */
export function runInProcess(args: string[], options: InProcessOptions): Promise<CliResult> {
  const run = queue.then(() => runOnce(args, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(args: string[], options: InProcessOptions): Promise<CliResult> {
  const saved = { cwd: process.cwd(), env: process.env, exitCode: process.exitCode, out: process.stdout.write, err: process.stderr.write };
  const captured = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  process.env = { ...options.env };
  process.exitCode = undefined;
  try {
    process.chdir(options.cwd);
    await runRoster(args);
    return { code: Number(process.exitCode ?? 0), ...captured };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.env = saved.env;
    process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
  }
}
