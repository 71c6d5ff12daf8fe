/** The checksum marker a roster comment ends with: written by plan, read back by apply on the merge commit. */
import { checksumOfParts } from '../reconcile/checksum.js';
import { encodeSeal, markerSeal } from '../reconcile/checksum-seal.js';
import type { PlanView } from '../reconcile/types.js';

const CHECKSUM_MARKER = /<!-- roster-plan-checksum: ([0-9a-f]{64})((?: [^\s=]+=[0-9a-f]{64})*)(?: seal=([A-Za-z0-9+/]+={0,2}))? -->/;

/**
 * `<!-- roster-plan-checksum: <plan> <vendor>=<sum> ... seal=<parts> -->`: read back by apply on the merge
 * commit. `seal` is what the checksum is the hash of (reconcile/checksum-seal.ts), so apply can name the part
 * that differs; comments written before it carry none, and apply then only says that the checksum differs.
 */
export function checksumMarker(checksum: string, perVendor: Record<string, string>, seal?: string): string {
  const vendors = Object.entries(perVendor).map(([name, sum]) => ` ${name}=${sum}`);
  return `<!-- roster-plan-checksum: ${checksum}${vendors.join('')}${seal ? ` seal=${seal}` : ''} -->`;
}

/** The seal a comment carries for `plan`, when `checksum` is the plan's own (a renderer given another checksum carries none). */
export function markerSealText(plan: PlanView, checksum: string): string | undefined {
  return planMarker(plan, checksum).seal;
}

/**
 * The checksum (the one given, or the plan's own), each vendor's, and the seal a comment carries for
 * `plan`, from one pass over its operations: the seal's parts are what the checksums are the hash of.
 */
export function planMarker(plan: PlanView, given?: string): PlanChecksums & { marker: string } {
  const parts = markerSeal(plan);
  const own = checksumOfParts(parts);
  const checksum = given ?? own;
  const vendors = Object.fromEntries(Object.keys(parts.vendors).map((name) => [name, checksumOfParts(parts, [name])]));
  const seal = own === checksum ? encodeSeal(parts) : undefined;
  return { checksum, vendors, ...(seal ? { seal } : {}), marker: checksumMarker(checksum, vendors, seal) };
}

export interface PlanChecksums {
  checksum: string;
  vendors: Record<string, string>;
  /** The seal's parts as the marker carries them (base64), when it carries them. */
  seal?: string;
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
  return { checksum: match[1], vendors, ...(match[3] ? { seal: match[3] } : {}) };
}
