import type { Language } from '../i18n/types.ts';
import type { CategoryName, MailScore } from './types.ts';

interface ScoreWords {
  categories: Record<CategoryName, string>;
  line: (total: string, caveat: string, parts: string) => string;
  notScored: string;
  notApplicable: string;
  incomplete: string;
}

/** Category names as Internet.nl's English and Dutch sites shorten them ("echtheidswaarmerken" for DMARC, DKIM and SPF). */
const WORDS: Record<Language, ScoreWords> = {
  en: {
    categories: { ipv6: 'IPv6', dnssec: 'DNSSEC', auth: 'authentication', tls: 'STARTTLS and DANE', rpki: 'RPKI' },
    line: (total, caveat, parts) => `mail score ${total} (Internet.nl rules${caveat}; ${parts})`,
    notScored: 'not scored',
    notApplicable: 'n/a',
    incomplete: ', incomplete: not comparable',
  },
  nl: {
    categories: { ipv6: 'IPv6', dnssec: 'DNSSEC', auth: 'echtheidswaarmerken', tls: 'STARTTLS en DANE', rpki: 'RPKI' },
    line: (total, caveat, parts) => `mailscore ${total} (regels van Internet.nl${caveat}; ${parts})`,
    notScored: 'geen score',
    notApplicable: 'n.v.t.',
    incomplete: ', onvolledig: niet vergelijkbaar',
  },
};

/** `mail score 87/100 (Internet.nl rules; IPv6 100, DNSSEC 100, …; RPKI not scored: …)` for the table. */
export function formatScoreLine(score: MailScore, language: Language = 'en'): string {
  const words = WORDS[language];
  const parts = score.categories.map((c) => {
    const name = words.categories[c.name];
    if (c.percent !== null) return `${name} ${c.percent}`;
    return `${name} ${c.missing ? words.notScored : words.notApplicable}`;
  });
  const total = score.score === null ? words.notScored : `${score.score}/100`;
  return words.line(total, score.complete ? '' : words.incomplete, parts.join(', '));
}
