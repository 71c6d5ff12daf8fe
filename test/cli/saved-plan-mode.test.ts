import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/workspace.js';

/** `roster plan --out` holds every field it will send, phones in clear: only its owner may read it. */
describe('roster plan --out', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the saved plan owner-only, a new file and one that was there, readable by all, before', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-saved-mode-'));
    const fresh = path.join(dir, 'plan.json');
    const existing = path.join(dir, 'old-plan.json');
    await writeFile(existing, '{}\n', { mode: 0o644 });
    expect((await stat(existing)).mode & 0o777).toBe(0o644);
    for (const file of [fresh, existing]) {
      const result = await runCli(['plan', '--sandbox', '--vendor', 'enerflo', '--out', file]);
      expect(result.code, result.stderr).toBe(0);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('roster-saved-plan');
    }
  });
});
