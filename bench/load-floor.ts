/**
 * The load against the parser floor: how long roster takes to read, validate and resolve an organisation
 * (`loadOrganisation`) against js-yaml parsing the same users files (read from disk, then `load`), in the
 * same process, one after the other. Run apart with `node dist-bench/bench/load-floor.js <roster.yaml>`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as jsYamlLoad } from 'js-yaml';
import { loadOrganisation } from '../src/compose/organisation.js';
import { listUsersFiles } from '../src/config/loader.js';

export interface LoadFloor {
  /** Wall time of `loadOrganisation`, ms: the best of the rounds. */
  loadMs: number;
  /** Reading every users file and parsing it with js-yaml `load`, ms: the best of the rounds. */
  jsYamlMs: number;
  /**
   * The same two as CPU time of the process (user and system, every thread: the garbage collector's
   * too), ms. On a machine others share, wall time counts the time the process waited for a core;
   * CPU time does not, so this ratio moves far less with the load.
   */
  loadCpuMs: number;
  jsYamlCpuMs: number;
  /**
   * The first round alone, CPU time: what one `roster validate` pays. Later rounds may be cheaper for
   * what a process remembers between loads (toE164 keeps the numbers it has read), so the best of the
   * rounds can flatter a loader that memoises.
   */
  firstLoadCpuMs: number;
  firstJsYamlCpuMs: number;
  people: number;
  rounds: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * Times js-yaml over the users files, then roster's load, `rounds` times back to back (one of each, in
 * turn, so both see the same moments of the machine's load), and keeps the best of each. No worker
 * threads: both run on the main thread alone.
 */
export async function measureLoadFloor(configFile: string, rounds = 3): Promise<LoadFloor> {
  const files = await listUsersFiles(path.join(path.dirname(configFile), 'users'));
  const best = { loadMs: Infinity, jsYamlMs: Infinity, loadCpuMs: Infinity, jsYamlCpuMs: Infinity, firstLoadCpuMs: 0, firstJsYamlCpuMs: 0 };
  let people = 0;
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    let cpu = process.cpuUsage();
    for (const file of files) jsYamlLoad(await readFile(file, 'utf8'));
    best.jsYamlMs = Math.min(best.jsYamlMs, performance.now() - started);
    best.jsYamlCpuMs = Math.min(best.jsYamlCpuMs, cpuMs(cpu));
    started = performance.now();
    cpu = process.cpuUsage();
    people = (await loadOrganisation(configFile)).people.length;
    best.loadMs = Math.min(best.loadMs, performance.now() - started);
    const loadCpu = cpuMs(cpu);
    best.loadCpuMs = Math.min(best.loadCpuMs, loadCpu);
    if (round === 0) {
      best.firstLoadCpuMs = loadCpu;
      best.firstJsYamlCpuMs = best.jsYamlCpuMs;
    }
  }
  return { ...best, people, rounds };
}

if (process.argv[1]?.endsWith('load-floor.js') && process.argv[2]) {
  const result = await measureLoadFloor(process.argv[2], Number(process.argv[3] ?? 3));
  const round = (ms: number) => Math.round(ms);
  console.log(
    JSON.stringify({
      people: result.people,
      rounds: result.rounds,
      loadMs: round(result.loadMs),
      jsYamlMs: round(result.jsYamlMs),
      ratio: Number((result.loadMs / result.jsYamlMs).toFixed(2)),
      loadCpuMs: round(result.loadCpuMs),
      jsYamlCpuMs: round(result.jsYamlCpuMs),
      cpuRatio: Number((result.loadCpuMs / result.jsYamlCpuMs).toFixed(2)),
      firstRoundCpuRatio: Number((result.firstLoadCpuMs / result.firstJsYamlCpuMs).toFixed(2)),
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      workerThreads: 0,
    }),
  );
}
