import type { DomainReport } from '../model.ts';
import { authCategory } from './auth.ts';
import { dnssecCategory } from './dnssec.ts';
import { FindingIndex } from './findings.ts';
import { ipv6Category } from './ipv6.ts';
import { rpkiCategory } from './rpki.ts';
import { tlsCategory } from './tls.ts';
import type { MailScore } from './types.ts';

export type { CategoryScore, MailScore, SubtestScore } from './types.ts';

/**
 * Internet.nl's mail score from one report: each category 0–100 (its points over its maximum), the score the mean
 * of the categories that could be scored, cut to whole numbers as Internet.nl does. Categories without a maximum
 * (TLS for a domain without mail servers) do not count, as on Internet.nl.
 */
export function mailScore(report: Pick<DomainReport, 'domain' | 'findings'>): MailScore {
  const index = new FindingIndex(report.findings);
  const categories = [
    ipv6Category(index),
    dnssecCategory(index),
    authCategory(index),
    tlsCategory(index),
    rpkiCategory(index, report.domain),
  ];
  const scored = categories.filter((c) => c.percent !== null);
  const percents = scored.map((c) => c.percent ?? 0);
  const score =
    percents.length === 0
      ? null
      : Math.max(0, Math.min(100, Math.trunc(percents.reduce((a, b) => a + b, 0) / percents.length)));
  const assumed = [
    ...new Set(categories.flatMap((c) => c.subtests.filter((s) => s.basis === 'assumed').map((s) => s.name))),
  ];
  return { score, complete: categories.every((c) => c.missing === undefined), categories, assumed };
}
