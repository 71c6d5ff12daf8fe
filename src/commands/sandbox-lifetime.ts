import { readFileSync } from 'node:fs';

/**
 * How long `roster sandbox` lives: until a signal, or until the process that started it goes away.
 *
 * `npx roster sandbox & sandbox=$!; …; kill $sandbox` kills `npm exec`, not roster: npm's `sh -c` child
 * and roster itself are left behind, reparented, with the emulators still on their ports. So besides
 * SIGINT/SIGTERM/SIGHUP, roster watches the processes that launched it: its parent and, when npm launched
 * it (`npm exec`/`npx`, `npm run`: npm sets `npm_command`), the ancestors up to npm's own process. When one
 * of them is gone, or roster was reparented, the sandbox stops. (Standard input is no signal: a command
 * sent to the background with `&` reads /dev/null and sees it closed at once.)
 */
export interface LifetimeOptions {
  /** How often the launching processes are checked. */
  intervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The parent as it was when roster started: read later, a parent killed meanwhile would already read as init. */
const launchedBy = process.ppid;

/** Resolves with the reason once the sandbox should stop; `dispose` removes every listener and timer. */
export function untilStopped(options: LifetimeOptions = {}): { stopped: Promise<string>; dispose(): void } {
  const env = options.env ?? process.env;
  const parent = launchedBy;
  const watched = launchers(parent, env);
  let dispose = () => {};
  const stopped = new Promise<string>((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = (signal: NodeJS.Signals) => finish(`received ${signal}`);
    const timer = setInterval(() => {
      if (process.ppid !== parent) return finish(`the process that started it (pid ${parent}) went away`);
      const gone = watched.find((pid) => !alive(pid));
      if (gone !== undefined) finish(`the process that started it (pid ${gone}) went away`);
    }, options.intervalMs ?? 500);
    const finish = (reason: string) => {
      dispose();
      resolve(reason);
    };
    dispose = () => {
      clearInterval(timer);
      for (const signal of signals) process.off(signal, onSignal);
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
  return { stopped, dispose: () => dispose() };
}

/** The parent, and under npm the chain up to npm's own process (at most a few steps: npm → sh → roster). */
function launchers(parent: number, env: NodeJS.ProcessEnv): number[] {
  const chain = [parent];
  if (!env.npm_command) return chain;
  let pid = parent;
  for (let step = 0; step < 3; step += 1) {
    const info = linuxProcess(pid);
    if (!info || info.ppid <= 1) break;
    if (/^(npm|npx)\b/.test(info.command) || /(^|\/)npm(-cli)?(\.js)?\s/.test(info.command)) break;
    pid = info.ppid;
    chain.push(pid);
  }
  return chain;
}

/** A process's parent and command line, where /proc tells (Linux); elsewhere only the parent is watched. */
function linuxProcess(pid: number): { ppid: number; command: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return Number.isInteger(ppid) ? { ppid, command } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
