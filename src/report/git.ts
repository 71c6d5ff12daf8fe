import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * The few git commands the report needs, run as child processes (git is on every machine that has the
 * repository; no library needed). Each call is bounded: a log is one process, blobs come through one
 * `git cat-file --batch` process, whatever the number of people.
 */

const run = promisify(execFile);
const MAX_LOG = 512 * 1024 * 1024;

export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_LOG, encoding: 'utf8' });
  return stdout;
}

/** Where the declared state sits in its repository: the top, and the paths of roster.yaml and users/ inside it. */
export interface RepoPaths {
  top: string;
  /** roster.yaml, relative to the top, forward slashes. */
  config: string;
  /** The users folder, relative to the top, forward slashes, no trailing slash. */
  users: string;
}

export async function repoPaths(configFile: string, usersDir: string): Promise<RepoPaths> {
  const configDir = path.dirname(path.resolve(configFile));
  let top: string;
  try {
    top = (await git(configDir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new Error(`${configDir} is not in a git repository: the report reads the history of users/ from git`);
  }
  const rel = (p: string) => path.relative(top, p).split(path.sep).join('/');
  return { top, config: rel(path.resolve(configFile)), users: rel(path.resolve(configDir, usersDir)) };
}

/** The commit HEAD points at. */
export async function headCommit(top: string): Promise<string> {
  return (await git(top, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
}

/**
 * The commit in effect at the end of `day` (UTC): the newest commit of HEAD's first-parent line (the
 * merges into the main branch) committed by then. Dates are the committer's, so a skewed clock on the
 * merging machine skews this; the report names the commit it used so a reader can check it.
 */
export async function commitInEffect(top: string, day: string): Promise<string | undefined> {
  const sha = (await git(top, ['rev-list', '-1', '--first-parent', `--before=${day}T23:59:59Z`, 'HEAD'])).trim();
  return sha || undefined;
}

/**
 * roster.yaml and the users folder as they were at `commit`, written into a fresh temporary folder (through
 * a throwaway index, so the repository's own index and work tree are untouched). Returns the folder, laid
 * out like the repository, and how to remove it.
 */
export async function checkoutDeclared(top: string, commit: string, paths: RepoPaths): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-report-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const env = { ...process.env, GIT_INDEX_FILE: path.join(dir, '.index') };
    await run('git', ['--work-tree', dir, 'checkout', commit, '--', paths.config, paths.users], { cwd: top, env, maxBuffer: MAX_LOG });
    await rm(path.join(dir, '.index'), { force: true });
    return { dir, remove };
  } catch (error) {
    await remove();
    throw new Error(`could not read ${paths.config} and ${paths.users}/ at commit ${commit.slice(0, 12)}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** One commit of the first-parent history, with the files under users/ it changed. */
export interface CommitChange {
  sha: string;
  /** Committer date, ISO 8601 in UTC. */
  date: string;
  author: string;
  subject: string;
  files: { path: string; blob?: string }[];
}

const MARK = '\u001e';

/**
 * Every first-parent commit up to `until` that changed the users folder, oldest first, with the new blob
 * of each changed file (none when deleted): one `git log` for the whole history. Merges are compared with
 * their first parent, so a pull request's merge is the commit that changed main.
 */
export async function usersHistory(top: string, until: string, users: string): Promise<CommitChange[]> {
  const text = await git(top, [
    'log', '--first-parent', '--reverse', '--raw', '--no-renames', '--no-abbrev', '-m', '--diff-merges=first-parent',
    `--format=${MARK}%H%x00%cI%x00%an%x00%s`, until, '--', users,
  ]);
  const commits: CommitChange[] = [];
  for (const chunk of text.split(MARK)) {
    if (!chunk.trim()) continue;
    const [head, ...lines] = chunk.split('\n');
    const [sha, date, author, subject] = head.split('\0');
    const files: CommitChange['files'] = [];
    for (const line of lines) {
      // :100644 100644 <old> <new> M\tpath
      const m = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) ([A-Z])\d*\t(.+)$/.exec(line);
      if (!m) continue;
      const [, blob, status, file] = m;
      if (!/\.ya?ml$/i.test(file)) continue;
      files.push({ path: file, ...(status === 'D' ? {} : { blob }) });
    }
    // Every time in the report is UTC, whatever the committer's offset.
    commits.push({ sha, date: new Date(date).toISOString(), author, subject, files });
  }
  return commits;
}

/**
 * Reads blobs through one `git cat-file --batch` process: ask for one, get it, ask for the next. Memory
 * stays at one blob, however long the history.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private waiting?: () => void;
  private failed?: Error;

  constructor(top: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: top });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    const fail = (error: Error) => {
      this.failed = error;
      this.waiting?.();
    };
    this.child.on('error', fail);
    this.child.on('exit', (code) => fail(new Error(`git cat-file exited (${code})`)));
  }

  async read(blob: string): Promise<string> {
    this.child.stdin.write(`${blob}\n`);
    const header = await this.until(() => {
      const nl = this.buffer.indexOf(10);
      return nl === -1 ? undefined : nl;
    });
    const line = this.buffer.subarray(0, header).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(line);
    if (!m) throw new Error(`git cat-file: unexpected answer for ${blob}: ${line}`);
    const size = Number(m[1]);
    await this.until(() => (this.buffer.length >= header + 1 + size + 1 ? true : undefined));
    const body = this.buffer.subarray(header + 1, header + 1 + size).toString('utf8');
    this.buffer = this.buffer.subarray(header + 1 + size + 1);
    return body;
  }

  private async until<T>(ready: () => T | undefined): Promise<T> {
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (this.failed) throw this.failed;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  close(): void {
    this.child.removeAllListeners('exit');
    this.child.stdin.end();
  }
}
