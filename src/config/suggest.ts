/** Levenshtein distance, case-insensitive: how many single-character edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[t.length];
}

/** The candidates close enough to `word` to be what was meant, closest first (at most `limit`). */
export function closeMatches(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const budget = Math.max(2, Math.floor(word.length / 3));
  const eligible = [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate) }))
    .filter(({ distance }) => distance <= budget);
  // Only the closest ones: "fristName" means firstName, not lastName too.
  const best = Math.min(...eligible.map((e) => e.distance));
  return eligible
    .filter(({ distance }) => distance === best)
    .sort((x, y) => (x.candidate < y.candidate ? -1 : 1))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** `did you mean "x"?` for the closest candidate, else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const matches = closeMatches(word, candidates);
  if (matches.length === 0) return undefined;
  return `did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?`;
}
