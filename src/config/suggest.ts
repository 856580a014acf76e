import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean dmarc.policy?)` when one candidate is close enough to be a misspelling, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(word, candidates as string[]);
  const allowed = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best) <= allowed ? `; did you mean ${best}?` : '';
}
