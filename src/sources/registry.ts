import { bamboohrSource } from './bamboohr/index.js';
import { csvSource } from './csv/index.js';
import type { SourceModule } from './types.js';

/** Every kind of HR source roster is built with: one line each, like src/vendors/registry.ts. */
export const sourceModules: readonly SourceModule[] = [csvSource, bamboohrSource];

export function sourceModule(kind: string): SourceModule | undefined {
  return sourceModules.find((m) => m.kind === kind);
}
