import { execFileSync } from 'node:child_process';

// Tests run the built CLI (dist/cli.js), so build once before any test file loads.
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
