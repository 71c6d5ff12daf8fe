import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/workspace.js';

/** Like the vendor emulators: the BambooHR emulator imports nothing of the reader, only what BambooHR documents. */
describe('the BambooHR emulator is an independent witness', () => {
  it('imports only node modules and documented.ts', () => {
    const dir = path.join(repoRoot, 'src/sources/bamboohr');
    const emulators = readdirSync(dir).filter((f) => f.startsWith('emulator'));
    expect(emulators.length).toBeGreaterThan(0);
    for (const file of emulators) {
      const imports = [...readFileSync(path.join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      const local = imports.filter((i) => i.startsWith('.'));
      expect(local.every((i) => i === './documented.js' || i.startsWith('./emulator')), `${file}: ${local.join(', ')}`).toBe(true);
    }
  });

  it('config knows no source registry', () => {
    const dir = path.join(repoRoot, 'src/config');
    for (const file of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/from '\.\.\/sources\//);
    }
  });
});
