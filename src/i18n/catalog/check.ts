/** check.limits and unfinished monitors: a domain's check ended at one of its limits (checks.limits, issue 13). */
import { finding } from '../types.ts';

/** The limit a check ended at (as in src/check/domain-budget.ts). */
export type LimitName = 'deadline' | 'batch-deadline' | 'stopping' | 'dns-queries' | 'dns-bytes';

const seconds = (ms: number): number => ms / 1000;

export const LIMIT_EN: Record<LimitName, (deadlineMs: number) => string> = {
  deadline: (ms) => `its deadline of ${seconds(ms)} s (checks.limits.domainDeadline)`,
  'batch-deadline': () => "the batch's deadline (checks.limits.batchDeadline)",
  stopping: () => 'mailwarden stopping',
  'dns-queries': () => 'its DNS query budget (checks.limits.dnsQueriesPerDomain)',
  'dns-bytes': () => 'its DNS data bound (checks.limits.dnsBytesPerDomain)',
};

export const LIMIT_NL: Record<LimitName, (deadlineMs: number) => string> = {
  deadline: (ms) => `de maximale duur van ${seconds(ms)} s (checks.limits.domainDeadline)`,
  'batch-deadline': () => 'de maximale duur van de ronde (checks.limits.batchDeadline)',
  stopping: () => 'het stoppen van mailwarden',
  'dns-queries': () => "het maximum aantal DNS-query's (checks.limits.dnsQueriesPerDomain)",
  'dns-bytes': () => 'de maximale hoeveelheid DNS-gegevens (checks.limits.dnsBytesPerDomain)',
};

export const checkTexts = {
  'check.limits': {
    'limits-hit': finding<{ domain: string; limits: LimitName[]; deadlineMs: number }>({
      en: {
        summary: (p) =>
          `The check of ${p.domain} was cut short, so some of its results are missing: it stopped at ${p.limits.map((l) => LIMIT_EN[l](p.deadlineMs)).join(' and ')}; findings that needed more are "error"`,
        fix: (p) =>
          `A domain whose DNS needs this much (include bombs, hundreds of MX hosts) cannot be checked fully and makes receivers fail too: simplify its records. If ${p.domain} is legitimate, raise the limit under checks.limits.`,
      },
      nl: {
        summary: (p) =>
          `De controle van ${p.domain} is voortijdig afgebroken, dus een deel van de uitkomsten ontbreekt: ze stopte bij ${p.limits.map((l) => LIMIT_NL[l](p.deadlineMs)).join(' en ')}; bevindingen die meer nodig hadden staan op "error"`,
        fix: (p) =>
          `Een domein waarvan de DNS zoveel vraagt (include-bommen, honderden MX-hosts) kan niet volledig worden gecontroleerd en laat ook ontvangende mailservers falen: vereenvoudig de records. Is ${p.domain} legitiem, verhoog dan de limiet onder checks.limits.`,
      },
    }),
    'not-checked': finding<{ domain: string; batchDeadlineMs?: number }>({
      en: {
        summary: (p) =>
          p.batchDeadlineMs === undefined
            ? `${p.domain} was not checked: mailwarden is stopping`
            : `${p.domain} was not checked: the batch passed its deadline of ${seconds(p.batchDeadlineMs)} s (checks.limits.batchDeadline) first`,
      },
      nl: {
        summary: (p) =>
          p.batchDeadlineMs === undefined
            ? `${p.domain} is niet gecontroleerd: mailwarden wordt gestopt`
            : `${p.domain} is niet gecontroleerd: de ronde had haar maximale duur van ${seconds(p.batchDeadlineMs)} s (checks.limits.batchDeadline) al bereikt`,
      },
    }),
  },
};
