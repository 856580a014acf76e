/** The dashboard page of a domain, `<publicUrl>/domains/<name>`: alerts link to it (Alertmanager's generatorURL). */
export function domainPageUrl(publicUrl: string, domain: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/domains/${encodeURIComponent(domain)}`;
}
