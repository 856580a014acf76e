/** The words of the command line's own output (the findings' texts are in catalog/). */
import type { Language } from './types.ts';

interface UiWords {
  fix: string;
  noFindings: string;
  domains: (n: number) => string;
  findings: string;
  hidden: (n: number) => string;
}

export const UI: Record<Language, UiWords> = {
  en: {
    fix: 'fix:',
    noFindings: '(no findings)',
    domains: (n) => `${n} domain${n === 1 ? '' : 's'}`,
    findings: 'findings',
    hidden: (n) => `${n} below --min-status not shown`,
  },
  nl: {
    fix: 'oplossing:',
    noFindings: '(geen bevindingen)',
    domains: (n) => `${n} ${n === 1 ? 'domein' : 'domeinen'}`,
    findings: 'bevindingen',
    hidden: (n) => `${n} onder --min-status niet getoond`,
  },
};
