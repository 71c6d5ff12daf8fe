import { appendFile } from 'node:fs/promises';
import { redactKnownSecrets } from '../secrets/redact.js';

/**
 * Adds markdown to the job summary page of the workflow run (GITHUB_STEP_SUMMARY), when there is
 * one. The markdown is already masked; known secrets are redacted once more on the way out.
 */
export async function appendStepSummary(markdown: string, env: Record<string, string | undefined> = process.env): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, `${redactKnownSecrets(markdown).trimEnd()}\n\n`);
}
