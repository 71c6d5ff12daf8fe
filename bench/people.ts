/**
 * The benchmark's synthetic organisation, as plain data every vendor profile reads: who exists, who
 * manages whom, and what each vendor's live copy of them should look like before the plan
 * (about 90% already matching, 5% needing an update, 5% new).
 */

export interface BenchOffice {
  index: number;
  key: string;
  name: string;
  timezone: string;
}

/** What the live copy of a person holds before the plan. */
export type LiveState = 'match' | 'update' | 'new';

export interface BenchPerson {
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  /** E.164, as git declares it. */
  phone: string;
  office: BenchOffice;
  role: 'manager' | 'rep';
  /** Index of the person's manager (reps only). */
  manager?: number;
  externalId: string;
  live: LiveState;
  /** For `update`: which field has drifted in the vendor (varied so every diff path is exercised). */
  drift: 'name' | 'phone' | 'roles';
}

/** Every MANAGER_SPAN-th person manages the reps after them. */
const MANAGER_SPAN = 50;

const FIRST = ['Maria', 'James', 'Aisha', 'Chen', 'Olu', 'Sofia', 'Liam', 'Priya', 'Mateo', 'Hana', 'Noah', 'Zara', 'Ivan', 'Leila', 'Tom', 'Yuki'];
const LAST = ['Garcia', 'Smith', 'Okafor', 'Wang', 'Nguyen', 'Rossi', 'Kowalski', 'Patel', 'Silva', 'Tanaka', 'Brown', 'Haddad', 'Petrov', 'Moreau', 'Jones', 'Sato'];

export const OFFICES: BenchOffice[] = [
  ['austin', 'Austin', 'America/Chicago'],
  ['dallas', 'Dallas', 'America/Chicago'],
  ['houston', 'Houston', 'America/Chicago'],
  ['phoenix', 'Phoenix', 'America/Phoenix'],
  ['denver', 'Denver', 'America/Denver'],
  ['las-vegas', 'Las Vegas', 'America/Los_Angeles'],
  ['san-diego', 'San Diego', 'America/Los_Angeles'],
  ['miami', 'Miami', 'America/New_York'],
  ['tampa', 'Tampa', 'America/New_York'],
  ['atlanta', 'Atlanta', 'America/New_York'],
].map(([key, name, timezone], index) => ({ index, key, name, timezone }));

/**
 * The live state by position: 1 in 20 is new, 1 in 20 has drifted, the rest match. Managers
 * (every 50th) always exist and match, so a new report's manager is already there and no existing
 * report's manager is missing (which would turn a "match" into an update).
 */
export function liveStateOf(index: number): LiveState {
  const slot = index % 20;
  return slot === 1 ? 'new' : slot === 2 ? 'update' : 'match';
}

export function generatePeople(count: number): BenchPerson[] {
  const people: BenchPerson[] = [];
  for (let index = 0; index < count; index++) {
    const isManager = index % MANAGER_SPAN === 0;
    const block = index - (index % MANAGER_SPAN);
    const office = OFFICES[Math.floor(index / MANAGER_SPAN) % OFFICES.length];
    const driftKinds = ['name', 'phone', 'roles'] as const;
    people.push({
      index,
      email: `person${index}@bench.example`,
      firstName: FIRST[index % FIRST.length],
      lastName: `${LAST[Math.floor(index / FIRST.length) % LAST.length]}`,
      // A valid US number (area 512, exchanges 200-299), unique per person up to a million.
      phone: `+1512${String(2_000_000 + (index % 1_000_000)).padStart(7, '0')}`,
      office,
      role: isManager ? 'manager' : 'rep',
      ...(isManager ? {} : { manager: block }),
      externalId: `HR-${String(index).padStart(7, '0')}`,
      live: liveStateOf(index),
      drift: driftKinds[Math.floor(index / 20) % driftKinds.length],
    });
  }
  return people;
}

/** How many people of each live state a generated organisation has. */
export function expectedCounts(people: BenchPerson[]): Record<LiveState, number> {
  const counts: Record<LiveState, number> = { match: 0, update: 0, new: 0 };
  for (const p of people) counts[p.live]++;
  return counts;
}
