/**
 * What monitors call to word a finding: `say(check, reason, params)` gives the reason, its parameters and the English
 * texts to spread into the Finding. Every call names its catalog key and reason literally (test/i18n checks that
 * each one has texts in every language and that no text goes unused).
 */
import type { CATALOG } from './catalog/index.ts';
import { renderReason } from './render.ts';
import type { Part, PartRenderer } from './types.ts';

type Catalog = typeof CATALOG;
type Key = keyof Catalog;
type Reason<K extends Key> = keyof Catalog[K] & string;
type FindingReason<K extends Key> = {
  [R in Reason<K>]: Catalog[K][R] extends { en: { summary: unknown } } ? R : never;
}[Reason<K>];
type ParamsOf<E> = E extends { en: { summary: (params: infer P, part: PartRenderer) => string } }
  ? P
  : E extends { en: { text: (params: infer P, part: PartRenderer) => string } }
    ? P
    : never;

export interface Said<R extends string, P> {
  reason: R;
  params: P;
  summary: string;
  fix?: string;
}

export function say<K extends Key, R extends FindingReason<K>>(
  key: K,
  reason: R,
  params: ParamsOf<Catalog[K][R]>,
): Said<R, ParamsOf<Catalog[K][R]>> {
  const texts = renderReason(key, reason, params as Record<string, unknown>, 'en');
  if (!texts) throw new Error(`no texts for ${key} ${reason}`);
  return { reason, params, ...texts };
}

/** One piece of a composite text (a problem in a list), kept as data in the finding's parameters. */
export function sayPart<K extends Key, R extends Reason<K>>(key: K, reason: R, params: ParamsOf<Catalog[K][R]>): Part {
  void key;
  return { reason, params: params as Record<string, unknown> };
}
