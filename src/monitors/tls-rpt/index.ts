import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import type { Finding } from '../../model.ts';
import { mxTargets } from '../mail-hosts/mx-targets.ts';
import { lookUpTxt, parseTagList, shown } from '../mta-sts/txt.ts';
import type { Monitor, MonitorContext } from '../types.ts';

/** One `rua` destination (RFC 8460 §3): a mailto: with a plausible address, or an https: URL with a host. */
export function ruaProblem(uri: string): Part | undefined {
  if (/^mailto:/i.test(uri)) {
    let address: string;
    try {
      address = decodeURIComponent(uri.slice('mailto:'.length).split('?')[0] ?? '');
    } catch {
      // found by fuzzing: a lone or bad %-escape made decodeURIComponent throw and the whole monitor fail
      return sayPart('tlsrpt.record', 'bad-escape', { uri: shown(uri, 100) });
    }
    return /^[^\s@]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      address,
    )
      ? undefined
      : sayPart('tlsrpt.record', 'bad-mailto', { uri: shown(uri, 100) });
  }
  if (/^https:/i.test(uri)) {
    try {
      const url = new URL(uri);
      return url.hostname ? undefined : sayPart('tlsrpt.record', 'https-without-host', { uri: shown(uri, 100) });
    } catch {
      return sayPart('tlsrpt.record', 'bad-https', { uri: shown(uri, 100) });
    }
  }
  return sayPart('tlsrpt.record', 'bad-scheme', { uri: shown(uri, 100) });
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const owner = `_smtp._tls.${domain}`;
  const base = { check: 'tlsrpt.record', subject: domain };
  const lookup = await lookUpTxt(context.dns, owner);
  if (lookup.kind === 'error') {
    return [
      {
        ...base,
        status: 'error',
        ...say('tlsrpt.record', 'lookup-failed', { owner, error: lookup.error.kind }),
        evidence: { owner },
      },
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
        ...say('tlsrpt.record', 'not-needed', { domain }),
        evidence,
      },
    ];
  }
  if (records.length === 0) {
    return [
      {
        ...base,
        status: 'info',
        ...say('tlsrpt.record', 'missing', { owner, domain }),
        evidence,
      },
    ];
  }
  if (records.length > 1) {
    return [
      {
        ...base,
        status: 'fail',
        ...say('tlsrpt.record', 'multiple', { owner, records: records.length }),
        evidence,
      },
    ];
  }
  const rua = parseTagList(records[0]!).get('rua');
  if (!rua) {
    return [
      {
        ...base,
        status: 'fail',
        ...say('tlsrpt.record', 'no-rua', { record: shown(records[0]!) }),
        evidence,
      },
    ];
  }
  const destinations = rua
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const problems = destinations.map(ruaProblem).filter((p): p is Part => p !== undefined);
  if (destinations.length === 0 || problems.length > 0) {
    return [
      {
        ...base,
        status: 'fail',
        ...say('tlsrpt.record', 'bad-rua', { problems }),
        evidence: { ...evidence, destinations },
      },
    ];
  }
  return [
    {
      ...base,
      status: 'ok',
      ...say('tlsrpt.record', 'ok', { destinations: destinations.map((d) => shown(d, 100)) }),
      evidence: { ...evidence, destinations },
    },
  ];
}

export const tlsRptMonitor: Monitor = { name: 'tlsrpt', run };
