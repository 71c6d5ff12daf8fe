import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VendorInstanceConfig } from '../config/schema.js';
import type { Organisation } from '../config/model.js';
import type { InstanceIdentity, Plan, PlanSeal } from '../reconcile/types.js';
import type { FieldValue } from '../vendors/types.js';

/*
 * What a plan was made from besides live users (issue 22): the declared state as bytes and each vendor
 * instance without its credentials. The checksum covers both, so a plan saved against staging's
 * roster.yaml, or against another commit, is refused by production's apply.
 */

/**
 * SHA-256 over the root config and every users file, each as its path relative to the root config's
 * folder and the SHA-256 of its bytes, in path order: the same checkout hashes the same anywhere.
 */
export async function declaredStateHash(org: Pick<Organisation, 'configFile' | 'files'>): Promise<string> {
  return (await declaredState(org)).declared;
}

/** The declared state's hash and each file's. */
export async function declaredState(org: Pick<Organisation, 'configFile' | 'files'>): Promise<{ declared: string; files: Record<string, string> }> {
  const root = path.dirname(path.resolve(org.configFile));
  const files = [...new Set([path.resolve(org.configFile), ...org.files.map((f) => path.resolve(f))])];
  const entries = await Promise.all(
    files.map(async (file) => [path.relative(root, file).split(path.sep).join('/'), sha256(await readFile(file))] as const),
  );
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { declared: sha256(JSON.stringify({ declared: 'roster-declared/1', files: entries })), files: Object.fromEntries(entries) };
}

/**
 * A vendor instance as a plan names it. The ids that name a tenant are shown (companyId, accountId,
 * locationIds: any setting ending in Id or Ids); every other setting is in `settings`, hashed, so a
 * changed path or header shows too. Credentials (env references) are left out entirely: never a secret.
 */
export function instanceIdentity(config: VendorInstanceConfig): InstanceIdentity {
  const { credentials: _credentials, ...settings } = config;
  const ids: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (/Ids?$/.test(name) && value !== undefined) ids[name] = value;
  }
  const baseUrl = typeof (settings as { baseUrl?: unknown }).baseUrl === 'string' ? (settings as { baseUrl: string }).baseUrl : undefined;
  return { kind: config.kind, ...(baseUrl ? { baseUrl } : {}), ids, settings: sha256(canonicalJson(settings)) };
}

/** The plan with its seal: the declared state's hash and each planned vendor instance. */
export async function sealPlan(plan: Plan, org: Pick<Organisation, 'configFile' | 'files'>, configs: Record<string, VendorInstanceConfig>): Promise<Plan> {
  const instances: PlanSeal['instances'] = {};
  for (const vendor of plan.vendors) {
    const config = configs[vendor.vendor];
    if (config) instances[vendor.vendor] = instanceIdentity(config);
  }
  const { declared, files } = await declaredState(org);
  return { ...plan, seal: { declared, files, instances } };
}

/** "enerflo at https://api.enerflo.io (companyId 12)": an instance for a person to recognise. */
export function describeInstance(identity: InstanceIdentity | undefined): string {
  if (!identity) return 'no instance';
  const ids = Object.entries(identity.ids).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `${identity.kind} at ${identity.baseUrl ?? '(default URL)'}${ids.length ? ` (${ids.join(', ')})` : ''}`;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
