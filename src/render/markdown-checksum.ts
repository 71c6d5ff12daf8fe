/** The checksum marker a roster comment ends with: written by plan, read back by apply on the merge commit. */

const CHECKSUM_MARKER = /<!-- roster-plan-checksum: ([0-9a-f]{64})((?: [^\s=]+=[0-9a-f]{64})*) -->/;

/** `<!-- roster-plan-checksum: <plan> <vendor>=<sum> ... -->`: read back by apply on the merge commit. */
export function checksumMarker(checksum: string, perVendor: Record<string, string>): string {
  const vendors = Object.entries(perVendor).map(([name, sum]) => ` ${name}=${sum}`);
  return `<!-- roster-plan-checksum: ${checksum}${vendors.join('')} -->`;
}

export interface PlanChecksums {
  checksum: string;
  vendors: Record<string, string>;
}

/** The checksums carried by a roster comment, or undefined when the body has none. */
export function parseChecksumMarker(body: string): PlanChecksums | undefined {
  const match = CHECKSUM_MARKER.exec(body);
  if (!match) return undefined;
  const vendors: Record<string, string> = {};
  for (const pair of match[2].trim().split(' ').filter(Boolean)) {
    const [name, sum] = pair.split('=');
    vendors[name] = sum;
  }
  return { checksum: match[1], vendors };
}
