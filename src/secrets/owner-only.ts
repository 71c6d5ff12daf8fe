import { open } from 'node:fs/promises';
import { closeSync, fchmodSync, openSync } from 'node:fs';

/**
 * Writes a file only its owner can read (0600): saved plans (real values, apply needs them) and traces.
 * The mode is set on the open file before anything is written, also when the file already existed
 * with a wider mode (`open` applies a mode only to a file it creates).
 */
export async function writeOwnerOnly(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** The synchronous form, for a file written line by line (`--trace`): returns the open descriptor. */
export function openOwnerOnlySync(file: string): number {
  const fd = openSync(file, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
