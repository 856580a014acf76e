import type { Finding } from '../../model.ts';
import { mxTargets } from '../mail-hosts/mx-targets.ts';
import { lookUpTxt, parseTagList, shown } from '../mta-sts/txt.ts';
import type { Monitor, MonitorContext } from '../types.ts';

/** One `rua` destination (RFC 8460 §3): a mailto: with a plausible address, or an https: URL with a host. */
export function ruaProblem(uri: string): string | undefined {
  if (/^mailto:/i.test(uri)) {
    let address: string;
    try {
      address = decodeURIComponent(uri.slice('mailto:'.length).split('?')[0] ?? '');
    } catch {
      // found by fuzzing: a lone or bad %-escape made decodeURIComponent throw and the whole monitor fail
      return `"${shown(uri, 100)}" is not a valid mailto: address (bad %-escape)`;
    }
    return /^[^\s@]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      address,
    )
      ? undefined
      : `"${shown(uri, 100)}" is not a valid mailto: address`;
  }
  if (/^https:/i.test(uri)) {
    try {
      const url = new URL(uri);
      return url.hostname ? undefined : `"${shown(uri, 100)}" has no host`;
    } catch {
      return `"${shown(uri, 100)}" is not a valid https: URL`;
    }
  }
  return `"${shown(uri, 100)}" is neither mailto: nor https:`;
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const owner = `_smtp._tls.${domain}`;
  const base = { check: 'tlsrpt.record', subject: domain };
  const lookup = await lookUpTxt(context.dns, owner);
  if (lookup.kind === 'error') {
    return [
      { ...base, status: 'error', summary: `Could not look up ${owner}: ${lookup.error.kind}`, evidence: { owner } },
    ];
  }
  const records = lookup.texts.filter((t) => /^v=TLSRPTv1\s*(;|$)/.test(t));
  const evidence = { owner, records: lookup.texts.map((t) => shown(t, 500)) };
  if (records.length === 0 && (await mxTargets(context, domain)).kind === 'null-mx') {
    // no mail is delivered to a null-MX domain, so there are no TLS failures to report
    return [
      {
        ...base,
        status: 'info',
        summary: `No TLS-RPT record, and none needed: ${domain} accepts no mail (null MX)`,
        evidence,
      },
    ];
  }
  if (records.length === 0) {
    return [
      {
        ...base,
        status: 'info',
        summary: `No TLS-RPT record at ${owner}: you will not hear about TLS failures senders meet`,
        evidence,
        fix: `Publish "${owner}. TXT \\"v=TLSRPTv1; rua=mailto:tls-reports@${domain}\\"".`,
      },
    ];
  }
  if (records.length > 1) {
    return [
      {
        ...base,
        status: 'fail',
        summary: `${records.length} TLS-RPT records at ${owner}: senders ignore them all (RFC 8460 §3)`,
        evidence,
        fix: 'Keep exactly one "v=TLSRPTv1; rua=…" record.',
      },
    ];
  }
  const rua = parseTagList(records[0]!).get('rua');
  if (!rua) {
    return [
      {
        ...base,
        status: 'fail',
        summary: `TLS-RPT record without rua=: ${shown(records[0]!)}`,
        evidence,
        fix: 'Add "rua=mailto:…" or "rua=https://…".',
      },
    ];
  }
  const destinations = rua
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const problems = destinations.map(ruaProblem).filter((p): p is string => p !== undefined);
  if (destinations.length === 0 || problems.length > 0) {
    return [
      {
        ...base,
        status: 'fail',
        summary: `TLS-RPT rua has invalid destinations: ${problems.join('; ') || 'none given'}`,
        evidence: { ...evidence, destinations },
        fix: 'Each rua destination must be mailto:address or https://host/path, separated by commas.',
      },
    ];
  }
  return [
    {
      ...base,
      status: 'ok',
      summary: `TLS-RPT reports go to ${destinations.map((d) => shown(d, 100)).join(', ')}`,
      evidence: { ...evidence, destinations },
    },
  ];
}

export const tlsRptMonitor: Monitor = { name: 'tlsrpt', run };
