import { redactKnownSecrets } from '../secrets/redact.js';
import { redactedJsonLine } from '../secrets/json-redact.js';
import { maskPlan, sanitizeText, type MaskOptions } from '../render/mask.js';
import { neutraliseWorkflowCommands, visibleControlsKeepingColour } from '../render/neutral.js';
import type { PlanView } from '../reconcile/types.js';

/**
 * Where a piece of output is read, and so how it is prepared:
 *   terminal  the operator's own screen: real values; secrets hidden, escapes and bidi made visible
 *   file      stdout redirected to a file or a pipe on the operator's machine: as the terminal
 *   ci-log    a CI job's log, which everyone who can read the repository opens: personal data masked,
 *             and workflow commands (`::warning::`) neutralised on GitHub Actions
 *   github    comments, issues, the job summary: markdown already masked and escaped by its renderer;
 *             secrets hidden once more
 * Secrets are hidden in every one of them, whatever the command and the format.
 */
export type Destination = 'terminal' | 'file' | 'ci-log' | 'github';

export interface OutputSink {
  /** Where stdout and stderr go. */
  readonly stdout: Destination;
  readonly stderr: Destination;
  /** Whether others read this run's output (a CI log): personal data is masked. */
  readonly shared: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Text prepared for a destination, without writing it (a file roster writes, a comment body). */
  prepare(text: string, destination: Destination): string;
  /** A plan as this run's readers may see it: masked when they are others. */
  plan<P extends PlanView>(plan: P, options: MaskOptions): P | PlanView;
  /** Free text (apply results, refusals) as this run's readers may see it. */
  text(text: string, options: MaskOptions): string;
}

interface Stream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface SinkSetup {
  env: NodeJS.ProcessEnv;
  /** The streams are looked up at each write (a test may swap `process.stdout.write` between runs). */
  stdout: () => Stream;
  stderr: () => Stream;
}

/** Whether output lands in a CI log, which every reader of the repository can open. */
export function inCiLog(env: NodeJS.ProcessEnv): boolean {
  const set = (value: string | undefined) => value !== undefined && value !== '' && value !== 'false' && value !== '0';
  return set(env.CI) || set(env.GITHUB_ACTIONS);
}

export function destinationOf(stream: Stream, env: NodeJS.ProcessEnv): Destination {
  if (inCiLog(env)) return 'ci-log';
  return stream.isTTY ? 'terminal' : 'file';
}

/** Text as a destination's reader may see it (see Destination). */
export function prepareFor(text: string, destination: Destination): string {
  const safe = jsonStaysJson(text, redactKnownSecrets(text));
  switch (destination) {
    case 'github':
      return safe;
    case 'ci-log':
      // GitHub Actions reads workflow commands on stdout and stderr alike; other CIs lose nothing by it.
      return neutraliseWorkflowCommands(visibleControlsKeepingColour(safe));
    default:
      return visibleControlsKeepingColour(safe);
  }
}

/**
 * JSON output (`--format json`) with a secret that is a bare number would read `"id": ***` once redacted:
 * then it is redacted inside its structure instead (the number becomes the string "***"), so it still parses.
 */
function jsonStaysJson(text: string, redacted: string): string {
  if (redacted === text || !/^\s*[[{]/.test(text)) return redacted;
  try {
    JSON.parse(redacted);
    return redacted;
  } catch {
    // Not JSON after redaction: was it before?
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return redacted;
  }
  const indent = /^\s*[[{]\n( +)/.exec(text)?.[1].length ?? 0;
  const trailing = /\s*$/.exec(text)?.[0] ?? '';
  return redactedJsonLine(value, redactKnownSecrets, indent || undefined) + trailing;
}

export function createSink(setup: SinkSetup): OutputSink {
  const stdout = destinationOf(setup.stdout(), setup.env);
  const stderr = destinationOf(setup.stderr(), setup.env);
  const shared = stdout === 'ci-log' || stderr === 'ci-log';
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    stdout,
    stderr,
    shared,
    out: (text) => void setup.stdout().write(prepareFor(line(text), stdout)),
    err: (text) => void setup.stderr().write(prepareFor(line(text), stderr)),
    prepare: prepareFor,
    plan: (plan, options) => (shared ? maskPlan(plan, options) : plan),
    text: (text, options) => (shared ? sanitizeText(text, options) : text),
  };
}

/** The sink of this process: built once by the program (src/program.ts) before any command runs. */
let current: OutputSink | undefined;

export function installSink(sink: OutputSink): OutputSink {
  current = sink;
  return sink;
}

export function processSink(): OutputSink {
  return (current ??= createSink({ env: process.env, stdout: () => process.stdout, stderr: () => process.stderr }));
}
