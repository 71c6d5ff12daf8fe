import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';

// Tests run the built CLI (dist/cli.js), so build once before any test file loads. Type errors are
// reported by `npm run typecheck` (CI runs it first); here they are printed but do not stop the build.
export default function setup(): void {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) process.stderr.write(result.stdout + result.stderr);
  if (!existsSync('dist/cli.js')) throw new Error('build failed: dist/cli.js was not produced');
  // As `npm run build` does: `npx roster` runs the project's bin, which must be executable (a fresh clone's is not).
  chmodSync('dist/cli.js', 0o755);
}
