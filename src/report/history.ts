import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { fastReadYaml } from '../config/fast-yaml.js';
import { BlobReader, usersHistory, type CommitChange } from './git.js';

/*
 * Since when is each person's current access declared? The first-parent history of users/ is replayed
 * once, oldest first: each commit's changed files are parsed (plain YAML, no validation: an old commit
 * may not pass today's schema), and for each person and vendor kind an "access signature" is kept: what
 * decides their access there (active, dates, the roles that map onto that kind and those roles' mapping,
 * the office and its mapping, the person's own overrides for it). The commit where that signature last
 * changed is "since". Linear in the changes: a commit costs its changed files, plus everyone when a role
 * or office definition changed.
 */

/** A commit as the report cites it. */
export interface CommitRef {
  sha: string;
  date: string;
  author: string;
  subject: string;
}

export interface PersonHistory {
  /** Per vendor kind: the commit since which the person's access there is declared as it is now. */
  since: Map<string, CommitRef>;
  /** The commit from which the person is continuously offboarded in git (active: false, or an endDate). */
  ended?: CommitRef;
  /** The commit that deleted the person from users/ (they are in no file any more). */
  removed?: CommitRef;
  /** The last declaration seen (for people removed from git: what they had). */
  last: RawPerson;
  /** Vendor kinds the person was declared in at any time (for removed people, where to look live). */
  kinds: Set<string>;
}

/** A person as a users file declares them, read without validation. */
export interface RawPerson {
  email: string;
  active?: unknown;
  startDate?: unknown;
  endDate?: unknown;
  roles?: unknown;
  office?: unknown;
  vendors?: Record<string, unknown>;
}

interface FileContent {
  people: Map<string, RawPerson>;
  roles: Map<string, Record<string, unknown>>;
  offices: Map<string, Record<string, unknown>>;
}

const EMPTY: FileContent = { people: new Map(), roles: new Map(), offices: new Map() };

function parseFile(text: string): FileContent {
  let doc: unknown;
  try {
    // The loader's fast path (js-yaml, issue 26) for the plain files history is made of; yaml for the rest.
    doc = fastReadYaml(text)?.data ?? parse(text);
  } catch {
    return EMPTY; // A commit with a broken file declared nobody in it; the next good commit counts.
  }
  const content: FileContent = { people: new Map(), roles: new Map(), offices: new Map() };
  if (!doc || typeof doc !== 'object') return content;
  const list = (name: string) => {
    const value = (doc as Record<string, unknown>)[name];
    return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object') : [];
  };
  for (const p of list('people')) if (typeof p.email === 'string') content.people.set(p.email.toLowerCase(), p as unknown as RawPerson);
  for (const r of list('roles')) if (typeof r.key === 'string') content.roles.set(r.key, r);
  for (const o of list('offices')) if (typeof o.key === 'string') content.offices.set(o.key, o);
  return content;
}

const roleKey = (entry: unknown): string | undefined =>
  typeof entry === 'string' ? entry : entry && typeof entry === 'object' && typeof (entry as { role?: unknown }).role === 'string' ? (entry as { role: string }).role : undefined;

/** Whether the person is offboarded in git: `active: false` or an `endDate` (when it takes effect is the row's business). */
export const endsInGit = (p: RawPerson): boolean => p.active === false || typeof p.endDate === 'string';

/** What decides a person's access in one vendor kind; undefined when no role of theirs maps onto it. */
function signature(p: RawPerson, kind: string, roles: Map<string, Record<string, unknown>>, offices: Map<string, Record<string, unknown>>): string | undefined {
  const entries = Array.isArray(p.roles) ? p.roles : [];
  const mapped = entries
    .map((e) => ({ entry: e, def: roles.get(roleKey(e) ?? '') }))
    .filter((r) => r.def?.[kind] !== undefined)
    .map((r) => [r.entry, r.def![kind]]);
  if (mapped.length === 0) return undefined;
  const office = typeof p.office === 'string' ? [p.office, offices.get(p.office)?.[kind] ?? null] : null;
  return JSON.stringify([p.email.toLowerCase(), p.active ?? true, p.startDate ?? null, p.endDate ?? null, mapped, office, p.vendors?.[kind] ?? null]);
}

/**
 * Replays the history of `users` up to `until` (a commit) and returns every person ever declared, by key.
 * `kinds` are the vendor kinds of roster.yaml.
 */
export async function declarationHistory(top: string, until: string, users: string, kinds: string[]): Promise<Map<string, PersonHistory>> {
  const commits = await usersHistory(top, until, users);
  const files = new Map<string, FileContent>();
  const people = new Map<string, PersonHistory>();
  const current = new Map<string, { person: RawPerson; sigs: Map<string, string> }>();
  const definitions = { roles: new Map<string, Record<string, unknown>>(), offices: new Map<string, Record<string, unknown>>() };
  const blobs = new BlobReader(top);
  try {
    for (const commit of commits) await replay(commit, { files, current, people, definitions }, kinds, blobs);
  } finally {
    blobs.close();
  }
  return people;
}

interface ReplayState {
  files: Map<string, FileContent>;
  current: Map<string, { person: RawPerson; sigs: Map<string, string> }>;
  people: Map<string, PersonHistory>;
  definitions: { roles: Map<string, Record<string, unknown>>; offices: Map<string, Record<string, unknown>> };
}

async function replay(commit: CommitChange, state: ReplayState, kinds: string[], blobs: BlobReader): Promise<void> {
  const { files, current, people, definitions } = state;
  const ref: CommitRef = { sha: commit.sha, date: commit.date, author: commit.author, subject: commit.subject };
  const touched = new Set<string>();
  let definitionsChanged = false;
  for (const file of commit.files) {
    const before = files.get(file.path) ?? EMPTY;
    const after = file.blob ? parseFile(await blobs.read(file.blob)) : EMPTY;
    if (file.blob) files.set(file.path, after);
    else files.delete(file.path);
    for (const key of before.people.keys()) touched.add(key);
    for (const key of after.people.keys()) touched.add(key);
    if (!isDeepStrictEqual(before.roles, after.roles) || !isDeepStrictEqual(before.offices, after.offices)) definitionsChanged = true;
  }
  if (definitionsChanged) {
    // Rare (roles.yaml, offices.yaml): every file's definitions again, and everyone's signature.
    definitions.roles.clear();
    definitions.offices.clear();
    for (const content of files.values()) {
      for (const [k, v] of content.roles) definitions.roles.set(k, v);
      for (const [k, v] of content.offices) definitions.offices.set(k, v);
    }
  }
  const { roles, offices } = definitions;
  const keys = definitionsChanged ? new Set([...touched, ...current.keys()]) : touched;
  const declared = new Map<string, RawPerson>();
  const inChanged = new Map<string, RawPerson>();
  for (const file of commit.files) for (const [key, p] of files.get(file.path)?.people ?? []) inChanged.set(key, p);
  for (const key of keys) {
    const found = inChanged.get(key) ?? (definitionsChanged && !touched.has(key) ? current.get(key)?.person : undefined);
    if (found) declared.set(key, found);
  }

  for (const key of keys) {
    const person = declared.get(key);
    const history = people.get(key);
    if (!person) {
      if (current.delete(key) && history) history.removed = ref;
      continue;
    }
    const sigs = new Map<string, string>();
    for (const kind of kinds) {
      const sig = signature(person, kind, roles, offices);
      if (sig !== undefined) sigs.set(kind, sig);
    }
    const was = current.get(key);
    const entry: PersonHistory = history ?? { since: new Map(), last: person, kinds: new Set() };
    if (!history) people.set(key, entry);
    if (!was && entry.removed) {
      // Back in git after a removal: their access starts again from here.
      entry.removed = undefined;
      entry.since.clear();
    }
    for (const kind of kinds) {
      const sig = sigs.get(kind);
      if (sig === undefined) entry.since.delete(kind);
      else if (was?.sigs.get(kind) !== sig) entry.since.set(kind, ref);
      if (sig !== undefined) entry.kinds.add(kind);
    }
    const endedBefore = was ? endsInGit(was.person) : false;
    if (endsInGit(person) && !endedBefore) entry.ended = ref;
    if (!endsInGit(person)) entry.ended = undefined;
    entry.last = person;
    current.set(key, { person, sigs });
  }
}
