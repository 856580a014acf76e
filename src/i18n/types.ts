/** The shapes of the message catalogs: per catalog key (check id, area or `*`) and reason, a text per language. */

export const LANGUAGES = ['en', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A piece of a composite text (one problem of a list), rendered in the language of the text around it. */
export interface Part {
  reason: string;
  params: Record<string, unknown>;
}

/** Renders a part in the current language. */
export type PartRenderer = (part: Part) => string;

export interface FindingTexts<P> {
  /** Plain language first, the technical detail after. */
  summary: (params: P, part: PartRenderer) => string;
  fix?: (params: P, part: PartRenderer) => string | undefined;
}

export interface PartTexts<P> {
  text: (params: P, part: PartRenderer) => string;
}

export type FindingEntry<P> = Record<Language, FindingTexts<P>>;
export type PartEntry<P> = Record<Language, PartTexts<P>>;

// biome-ignore lint/suspicious/noExplicitAny: the catalog holds entries of many parameter types
export type AnyEntry = FindingEntry<any> | PartEntry<any>;
export type CatalogSection = Record<string, Record<string, AnyEntry>>;

/** Declares a finding's texts with their parameter type, so that `say()` checks the parameters it is given. */
export const finding = <P = Record<string, never>>(texts: FindingEntry<P>): FindingEntry<P> => texts;
/** Declares a part's texts with their parameter type. */
export const part = <P = Record<string, never>>(texts: PartEntry<P>): PartEntry<P> => texts;

/** `1 record`, `2 records`; `1 record`, `2 records` in Dutch take their plural as given. */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
export const list = (items: readonly unknown[]): string => items.map(String).join(', ');
