import { createTwoFilesPatch } from 'diff';

/**
 * What `roster import --force` changed in a file it replaced, as a unified diff a person reads before
 * committing: the lines it dropped and the lines it wrote, with three lines of context.
 */
export function describeReplacement(shownFile: string, before: string, after: string): string {
  if (before === after) return `${shownFile} is unchanged.`;
  const patch = createTwoFilesPatch(`${shownFile} (before)`, `${shownFile} (imported)`, before, after, undefined, undefined, { context: 3 });
  // The first line is a separator of `=`; the headers and hunks that follow are the diff.
  const body = patch.split('\n').filter((line) => !/^=+$/.test(line)).join('\n').trimEnd();
  return `Changes to ${shownFile}:\n${body}`;
}
