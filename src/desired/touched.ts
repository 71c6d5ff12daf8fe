import type { Organisation, ResolvedPerson } from '../config/model.js';
import type { DesiredRecord } from '../vendors/types.js';
import { desiredRecords } from './stage.js';
import type { ModuleTarget } from './target.js';

/*
 * What a change touches, for a vendor read by key (SimplePin publishes no user list, so a plan reads its
 * users one GET each, about 120 a minute: shared/vendors/published.md). A pull request's plan needs to
 * read only the people whose desired record in that vendor could differ between the base and the head:
 *   - people declared differently (any field, their office's or roles' definitions included, since a
 *     resolved person carries its office and roles);
 *   - people whose desired record differs although their own declaration does not (a vendor that sends
 *     the manager's name, an office's address);
 *   - the reports of a touched person (their manager changed, left or was renamed);
 *   - people new in the head.
 * Anything that may change every record (the vendor's settings in roster.yaml) touches everyone. People
 * only in the base are not read: a vendor read by key is never pruned (plan.ts), so nothing is planned
 * for them either way.
 */

/** The keys a change from `base` to `head` touches in `target`, or undefined when it may touch everyone. */
export function touchedKeys(base: Organisation, head: Organisation, target: ModuleTarget): Set<string> | undefined {
  // As declared in each roster.yaml: the target's own config may carry run-time overrides (--sandbox's URL).
  const baseConfig = base.config.vendors?.[target.name];
  const headConfig = head.config.vendors?.[target.name];
  if (!baseConfig || !headConfig || stableText(baseConfig) !== stableText(headConfig)) return undefined;
  if (stableText(head.config.dates ?? null) !== stableText(base.config.dates ?? null)) return undefined;

  const touched = new Set<string>();
  for (const person of head.people) {
    const before = base.peopleByKey.get(person.key);
    if (!before || declaredText(before) !== declaredText(person)) touched.add(person.key);
  }
  const desiredBefore = new Map<string, string>();
  for (const record of desiredRecords(base, target)) desiredBefore.set(record.key, recordText(record));
  for (const record of desiredRecords(head, target)) {
    if (desiredBefore.get(record.key) !== recordText(record)) touched.add(record.key);
  }
  // Reports of anyone touched, and of anyone who left: their manager's record is what a vendor may point at.
  const managersTouched = new Set(touched);
  for (const person of base.people) if (!head.peopleByKey.has(person.key)) managersTouched.add(person.key);
  for (const person of head.people) if (person.manager && managersTouched.has(person.manager)) touched.add(person.key);
  return touched;
}

/** A person as declared and resolved, without where it sits in git: moving a person between files changes nothing. */
function declaredText(person: ResolvedPerson): string {
  return stableText(person, (key) => key === 'source');
}

function recordText(record: DesiredRecord): string {
  return stableText(record);
}

/** JSON with every object's keys sorted, so the order fields were written in does not count as a change. */
export function stableText(value: unknown, skip: (key: string) => boolean = () => false): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    if (inner instanceof Map) return Object.fromEntries([...(inner as Map<string, unknown>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const sorted: Record<string, unknown> = {};
    for (const field of Object.keys(inner).sort()) if (!skip(field)) sorted[field] = (inner as Record<string, unknown>)[field];
    return sorted;
  });
}
