/**
 * Stable dashboard URLs. Alerts (Slack, e-mail, Alertmanager `generatorURL`) link to these, so the paths are part of
 * the user interface: never change one casually.
 */

/** Path of a domain's page: `/domains/example.nl`. */
export function domainPath(domain: string): string {
  return `/domains/${encodeURIComponent(domain)}`;
}

/** Path of one standard's section on a domain's page: `/domains/example.nl#dmarc`. */
export function standardPath(domain: string, standard: string): string {
  return `${domainPath(domain)}#${encodeURIComponent(standard)}`;
}

/**
 * The full URL of a domain's dashboard page from `http.publicUrl` (e.g. `https://mailwarden.example.nl`), with the
 * standard's section when given; undefined when no public URL is configured (then alerts carry no link).
 */
export function domainUrl(publicUrl: string | undefined, domain: string, standard?: string): string | undefined {
  if (publicUrl === undefined) return undefined;
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${standard === undefined ? domainPath(domain) : standardPath(domain, standard)}`;
}
