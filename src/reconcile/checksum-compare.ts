import { isDeepStrictEqual } from 'node:util';
import { operationLeaves, operationPartNames, partTag, sealParts, type OperationLeaf, type SealParts } from './checksum.js';
import type { InstanceIdentity, PlanView } from './types.js';

/*
 * Which part of a plan differs from the reviewed one, from the reviewed seal's parts (the plan comment's
 * marker, checksum-seal.ts) and the plan computed now (issue 22): the declared state, the base the
 * touched set was read from, a vendor instance, a vendor's schedule, or operation N for a person.
 */

export interface PartDifference {
  part: 'declared state' | 'base' | 'vendor instance' | 'schedule' | 'operation';
  vendor?: string;
  message: string;
}

/** Names of what an operation's short tags cover, for a person to read. */
const PART_WORDS: Record<(typeof operationPartNames)[number], string> = {
  key: 'the person',
  action: 'the action',
  vendorId: 'the vendor id (the path)',
  changes: 'the changes shown',
  desired: 'the record sent',
  live: 'the live user expected',
  refs: 'the people it names or waits for (ids)',
};

export function describeDifferences(
  reviewed: SealParts,
  plan: PlanView,
  describe: (identity: InstanceIdentity | undefined) => string,
  only?: readonly string[],
): PartDifference[] {
  const now = sealParts(plan, { only });
  const differences: PartDifference[] = [];
  if (reviewed.declared !== now.declared) {
    differences.push({
      part: 'declared state',
      message: 'declared state differs: the root config or users files changed since the review (the merge is not the reviewed head: another change reached the base, or the pull request changed after its plan)',
    });
  }
  if (reviewed.base !== now.base) {
    const message =
      reviewed.base === null
        ? 'the touched set differs: the reviewed plan read every person; this apply read only the people the change from --base touches (run it without --base)'
        : now.base === null
          ? 'the touched set differs: the reviewed plan read, in vendors read by key, only the people the change from its base touches (plan --base); this apply read every person: pass --base with the merge\'s base'
          : 'the touched set differs: this apply\'s --base declares another state than the base the reviewed plan was made against';
    differences.push({ part: 'base', message });
  }
  const wanted = (name: string) => only === undefined || only.includes(name);
  const names = [...new Set([...Object.keys(reviewed.vendors).filter(wanted), ...Object.keys(now.vendors)])].sort();
  for (const name of names) {
    const before = reviewed.vendors[name];
    const after = now.vendors[name];
    const vendorPlan = plan.vendors.find((v) => v.vendor === name);
    if (!before) {
      differences.push({ part: 'operation', vendor: name, message: `vendor ${name}: the reviewed plan had nothing to do there; now ${after.count} operation${after.count === 1 ? '' : 's'} or a scheduled change` });
      continue;
    }
    if (!after) {
      differences.push({ part: 'operation', vendor: name, message: `vendor ${name}: the reviewed plan had ${before.count} operation${before.count === 1 ? '' : 's'} or a scheduled change there; now nothing to do` });
      continue;
    }
    if (!isDeepStrictEqual(before.instance, after.instance) || before.kind !== after.kind) {
      const sameTenant = before.instance && after.instance && before.instance.kind === after.instance.kind && before.instance.baseUrl === after.instance.baseUrl && isDeepStrictEqual(before.instance.ids, after.instance.ids);
      differences.push({
        part: 'vendor instance',
        vendor: name,
        message: sameTenant
          ? `vendor instance ${name} differs: same tenant (${describe(after.instance ?? undefined)}), other settings now (paths, headers or mappings)`
          : `vendor instance ${name} differs: reviewed against ${describe(before.instance ?? undefined)}, now ${describe(after.instance ?? undefined)}`,
      });
    }
    if (before.schedule !== after.schedule) {
      differences.push({ part: 'schedule', vendor: name, message: `the schedule at ${name} differs: a dated change (start, end, role window) was added, moved or removed since the review` });
    }
    if (before.operations !== after.operations && vendorPlan) differences.push(...operationDifferences(name, before.leaves, before.count, operationLeaves(vendorPlan)));
  }
  return differences;
}

/**
 * The operations now against the reviewed leaves: the same leaf is the same operation; otherwise the
 * reviewed operation of the same person and action (by their short tags, in canonical order) is compared
 * part by part; what is left is new, or gone.
 */
function operationDifferences(vendor: string, reviewed: OperationLeaf[] | undefined, reviewedCount: number, now: ReturnType<typeof operationLeaves>): PartDifference[] {
  const at = (message: string): PartDifference => ({ part: 'operation', vendor, message });
  if (!reviewed) {
    return [at(`the operations at ${vendor} differ (${reviewedCount} reviewed, ${now.length} now); the reviewed plan was too large for its comment to list each operation's hash: \`roster plan\` shows the plan as it is now`)];
  }
  const unmatched = new Map<number, OperationLeaf>(reviewed.map((leaf, i) => [i, leaf]));
  const fresh: number[] = [];
  now.forEach((op, i) => {
    const same = [...unmatched].find(([, leaf]) => leaf.hash === op.leaf.hash);
    if (same) unmatched.delete(same[0]);
    else fresh.push(i);
  });
  const differences: PartDifference[] = [];
  for (const i of fresh) {
    const op = now[i];
    const tags = op.leaf.tags.slice(0, 4);
    const twin = [...unmatched].find(([, leaf]) => leaf.tags.slice(0, 4) === tags);
    const label = `operation ${i + 1} for ${op.key} at ${vendor} (${op.action})`;
    if (!twin) {
      differences.push(at(`${label} was not in the reviewed plan`));
      continue;
    }
    unmatched.delete(twin[0]);
    const parts = differingTags(twin[1].tags, op.leaf.tags);
    differences.push(at(`${label} differs: ${parts.length ? parts.join(', ') : 'a part the comment\'s short tags cannot tell apart'}`));
  }
  for (const [i, leaf] of unmatched) {
    const action = ACTIONS.find((a) => partTag(a) === leaf.tags.slice(2, 4));
    differences.push(at(`reviewed operation ${i + 1} at ${vendor}${action ? ` (${action})` : ''} is not planned now`));
  }
  return differences;
}

const ACTIONS = ['create', 'update', 'reactivate', 'deactivate', 'delete'];

/** The parts and fields whose tags differ: `field fields.role of the record sent`, `the live user expected`. */
function differingTags(before: string, after: string): string[] {
  const [topBefore, sentBefore = '', liveBefore = ''] = before.split(';');
  const [topAfter, sentAfter = '', liveAfter = ''] = after.split(';');
  const tag = (top: string, name: (typeof operationPartNames)[number]) => top.slice(operationPartNames.indexOf(name) * 2, operationPartNames.indexOf(name) * 2 + 2);
  const parts: string[] = [];
  for (const name of operationPartNames) {
    if (tag(topBefore, name) === tag(topAfter, name)) continue;
    const fields = name === 'desired' ? changedFields(sentBefore, sentAfter) : name === 'live' ? changedFields(liveBefore, liveAfter) : [];
    parts.push(fields.length ? `field ${fields.join(', ')} of ${PART_WORDS[name]}` : PART_WORDS[name]);
  }
  return parts;
}

function changedFields(before: string, after: string): string[] {
  const fields = (text: string) => new Map(text.split(',').filter(Boolean).map((t) => t.split('=') as [string, string]));
  const b = fields(before);
  const a = fields(after);
  return [...new Set([...b.keys(), ...a.keys()])].filter((f) => b.get(f) !== a.get(f)).sort();
}
