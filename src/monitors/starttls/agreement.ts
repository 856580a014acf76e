import { render } from '../../i18n/render.ts';
import { sayPart } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';

/**
 * When every address of a host got the same verdict for a check, each summary says so once; subjects stay per
 * address so that a later divergence of one address is a regression of that address, not a renamed finding.
 */
export function noteAgreement(findings: Finding[], host: string, addressCount: number): void {
  if (addressCount < 2) return;
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.subject.startsWith(`${host}/`)) continue;
    byCheck.set(f.check, [...(byCheck.get(f.check) ?? []), f]);
  }
  for (const group of byCheck.values()) {
    if (group.length !== addressCount) continue;
    const first = group[0]!;
    if (group.every((f) => f.status === first.status && f.summary === first.summary)) {
      const agreement = sayPart('*', 'same-on-all-addresses', { count: addressCount, host });
      for (const f of group) {
        f.params = { ...f.params, agreement };
        f.summary = render(f, 'en').summary;
      }
    }
  }
}
