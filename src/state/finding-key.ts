import type { Finding } from '../model.ts';

export function findingKey(finding: Pick<Finding, 'check' | 'subject'>): string {
  return `${finding.check}|${finding.subject}`;
}
