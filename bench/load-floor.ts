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
  /** Wall time of `loadOrganisation`, ms. */
  loadMs: number;
  /** Reading every users file and parsing it with js-yaml `load`, ms. */
  jsYamlMs: number;
  people: number;
}

/** Times js-yaml over the users files, then roster's load; each is run `rounds` times and the best kept. */
export async function measureLoadFloor(configFile: string, rounds = 2): Promise<LoadFloor> {
  const files = await listUsersFiles(path.join(path.dirname(configFile), 'users'));
  let jsYamlMs = Infinity;
  let loadMs = Infinity;
  let people = 0;
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    for (const file of files) jsYamlLoad(await readFile(file, 'utf8'));
    jsYamlMs = Math.min(jsYamlMs, performance.now() - started);
    started = performance.now();
    people = (await loadOrganisation(configFile)).people.length;
    loadMs = Math.min(loadMs, performance.now() - started);
  }
  return { loadMs, jsYamlMs, people };
}

if (process.argv[1]?.endsWith('load-floor.js') && process.argv[2]) {
  const result = await measureLoadFloor(process.argv[2], Number(process.argv[3] ?? 2));
  console.log(JSON.stringify({ ...result, ratio: result.loadMs / result.jsYamlMs, rssMB: Math.round(process.memoryUsage().rss / 1048576) }));
}
