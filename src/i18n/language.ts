/** Which language to speak: an explicit choice (`--lang`, a channel's `language`), else the locale, else English. */
import { LANGUAGES, type Language } from './types.ts';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** `nl_NL.UTF-8`, `nl-BE`, `en_GB` → its language when we speak it. */
function fromLocale(locale: string): Language | undefined {
  const code = locale.split(/[_.@-]/)[0]?.toLowerCase();
  return isLanguage(code) ? code : undefined;
}

/**
 * The language for `explicit` when given (it must be one we speak), else from the POSIX locale variables in their order
 * of precedence (LC_ALL, LC_MESSAGES, LANG; the first one set decides), else English.
 */
export function chooseLanguage(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Language {
  if (explicit !== undefined) {
    const chosen = fromLocale(explicit);
    if (!chosen) throw new Error(`unknown language "${explicit}"; known: ${LANGUAGES.join(', ')}`);
    return chosen;
  }
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value) return fromLocale(value) ?? 'en';
  }
  return 'en';
}
