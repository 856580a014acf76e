import { DnsError } from '../../dns/errors.ts';
import type { DnsAnswer, DnsRecord } from '../../dns/types.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { worstStatus } from '../../model.ts';
import { classifyAddress } from '../../net/special-purpose.ts';
import { checkLimits } from '../limits.ts';
import { notAHostName } from '../mail-hosts/target-kind.ts';
import type { Monitor, MonitorContext } from '../types.ts';

const CHECK = 'mx.records';

interface MxEntry {
  preference: number;
  exchange: string;
}

interface HostVerdict {
  finding: Finding;
  addresses: string[];
}

const sameName = (a: string, b: string): boolean =>
  a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

function recordsOfType(answer: DnsAnswer, type: string): DnsRecord[] {
  return answer.answers.filter((record) => record.type === type);
}

function toMxEntry(record: DnsRecord): MxEntry {
  const data = record.data as { preference?: number; exchange?: string };
  return { preference: data.preference ?? 0, exchange: (data.exchange ?? '').replace(/\.$/, '').toLowerCase() };
}

function errorFinding(subject: string, texts: ReturnType<typeof say>, error: DnsError): Finding {
  return {
    check: CHECK,
    subject,
    status: 'error',
    ...texts,
    evidence: { error: error.kind, server: error.server, ede: error.ede },
  };
}

/** DO set: the same query the DNSSEC validator asks first, so the MX set of a domain is asked once per run. */
const MX_QUERY = { dnssec: true } as const;

/** Asks for A and AAAA of an MX target and judges it: CNAME, no address, IP literal, localhost. */
async function judgeHost(context: MonitorContext, domain: string, mx: MxEntry): Promise<HostVerdict> {
  const host = mx.exchange;
  const base = { check: CHECK, subject: host };
  const evidence = { domain, preference: mx.preference, exchange: host };
  const kind = notAHostName(host);
  if (kind === 'ip-literal') {
    return {
      addresses: [],
      finding: {
        ...base,
        status: 'fail',
        ...say('mx.records', 'target-ip-literal', { host, domain }),
        evidence,
      },
    };
  }
  if (kind === 'localhost') {
    return {
      addresses: [],
      finding: {
        ...base,
        status: 'fail',
        ...say('mx.records', 'target-localhost', { host }),
        evidence,
      },
    };
  }
  const lookups = await Promise.allSettled((['A', 'AAAA'] as const).map((type) => context.dns.query(host, type)));
  const addresses: string[] = [];
  let cname: string | undefined;
  let nxdomain = false;
  for (const [index, result] of lookups.entries()) {
    if (result.status === 'rejected') {
      if (result.reason instanceof DnsError)
        return {
          addresses: [],
          finding: errorFinding(
            host,
            say('mx.records', 'target-lookup-failed', { host, error: result.reason.message }),
            result.reason,
          ),
        };
      throw result.reason;
    }
    const answer = result.value;
    const alias = answer.answers.find((record) => record.type === 'CNAME' && sameName(record.name, host));
    if (alias) cname = String(alias.data).replace(/\.$/, '');
    if (answer.rcode === 'NXDOMAIN') nxdomain = true;
    const type = index === 0 ? 'A' : 'AAAA';
    for (const record of recordsOfType(answer, type)) addresses.push(String(record.data));
  }
  if (cname !== undefined) {
    return {
      addresses,
      finding: {
        ...base,
        status: 'fail',
        ...say('mx.records', 'target-cname', { host, cname }),
        evidence: { ...evidence, cname, addresses },
      },
    };
  }
  if (addresses.length === 0) {
    return {
      addresses,
      finding: {
        ...base,
        status: 'fail',
        ...(nxdomain
          ? say('mx.records', 'target-nxdomain', { host, domain })
          : say('mx.records', 'target-no-address', { host, domain })),
        evidence: { ...evidence, nxdomain },
      },
    };
  }
  const special = addresses.map((address) => classifyAddress(address)?.category);
  if (!context.options.allowPrivateTargets && special.every((category) => category !== undefined)) {
    const categories = [...new Set(special)] as string[];
    return {
      addresses,
      finding: {
        ...base,
        status: 'warn',
        ...say('mx.records', 'target-special-purpose', { host, categories }),
        evidence: { ...evidence, addresses, specialPurpose: special },
      },
    };
  }
  const { addressesPerHost } = checkLimits(context.options);
  const capped = addresses.length > addressesPerHost;
  return {
    addresses,
    finding: {
      ...base,
      status: 'ok',
      ...(capped
        ? say('mx.records', 'target-ok-capped', { host, addresses, probed: addressesPerHost })
        : say('mx.records', 'target-ok', { host, addresses })),
      evidence: { ...evidence, addresses, ...(capped ? { probedAddresses: addressesPerHost } : {}) },
    },
  };
}

function domainFinding(
  domain: string,
  status: Finding['status'],
  texts: ReturnType<typeof say>,
  evidence: Finding['evidence'],
): Finding {
  return { check: CHECK, subject: domain, status, ...texts, evidence };
}

async function implicitMx(context: MonitorContext, domain: string): Promise<Finding[]> {
  const lookups = await Promise.all(['A', 'AAAA'].map((type) => context.dns.query(domain, type)));
  const addresses = lookups.flatMap((answer, index) =>
    recordsOfType(answer, index === 0 ? 'A' : 'AAAA').map((record) => String(record.data)),
  );
  if (addresses.length > 0) {
    return [
      domainFinding(domain, 'info', say('mx.records', 'implicit-mx', { domain, addresses }), {
        mx: [],
        implicitMx: addresses,
      }),
    ];
  }
  return [domainFinding(domain, 'warn', say('mx.records', 'no-mx-no-address', { domain }), { mx: [], implicitMx: [] })];
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  let answer: DnsAnswer;
  try {
    answer = await context.dns.query(domain, 'MX', MX_QUERY);
  } catch (error) {
    if (error instanceof DnsError)
      return [errorFinding(domain, say('mx.records', 'mx-lookup-failed', { domain, error: error.message }), error)];
    throw error;
  }
  if (answer.rcode === 'NXDOMAIN') {
    return [domainFinding(domain, 'fail', say('mx.records', 'domain-nxdomain', { domain }), { rcode: answer.rcode })];
  }
  // A recursive answer holds only the CNAME chain of the question and its final MX RRset.
  const entries = recordsOfType(answer, 'MX')
    .map(toMxEntry)
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
  if (entries.length === 0) {
    try {
      return await implicitMx(context, domain);
    } catch (error) {
      if (error instanceof DnsError)
        return [
          errorFinding(domain, say('mx.records', 'address-lookup-failed', { domain, error: error.message }), error),
        ];
      throw error;
    }
  }
  const mxList = entries.map((entry) => `${entry.preference} ${entry.exchange || '.'}`);
  const nullMx = entries.filter((entry) => entry.exchange === '');
  if (nullMx.length > 0) {
    if (entries.length === 1 && nullMx[0]!.preference === 0) {
      return [
        domainFinding(domain, 'ok', say('mx.records', 'null-mx', { domain }), {
          mx: mxList,
          nullMx: true,
        }),
      ];
    }
    return [
      domainFinding(domain, 'fail', say('mx.records', 'null-mx-mixed', { mx: mxList, alone: entries.length === 1 }), {
        mx: mxList,
        nullMx: true,
      }),
    ];
  }
  const { mxHostsPerDomain } = checkLimits(context.options);
  const judged = entries.slice(0, mxHostsPerDomain);
  const hosts = await Promise.all(judged.map((entry) => judgeHost(context, domain, entry)));
  const findings = [...hosts.map((host) => host.finding)];
  if (entries.length > judged.length) findings.push(tooManyFinding(domain, entries.length, mxHostsPerDomain));
  const status = worstStatus(findings.map((finding) => finding.status));
  const bad = hosts.filter((host) => host.finding.status !== 'ok').map((host) => host.finding.subject);
  const texts =
    bad.length === 0
      ? entries.length > judged.length
        ? say('mx.records', 'first-resolvable', { mx: mxList.slice(0, judged.length), total: entries.length })
        : say('mx.records', 'all-resolvable', { mx: mxList })
      : say('mx.records', 'targets-broken', { bad, total: entries.length });
  const evidence = {
    mx: judged.map((entry, index) => ({ ...entry, addresses: hosts[index]!.addresses })),
    ...(entries.length > judged.length ? { mxRecords: entries.length, checked: judged.length } : {}),
  };
  return [domainFinding(domain, status, texts, evidence), ...findings];
}

/** More MX hosts than one check looks at: the rest are neither resolved nor probed. */
function tooManyFinding(domain: string, count: number, cap: number): Finding {
  return {
    check: CHECK,
    subject: `${domain}/limit`,
    status: 'warn',
    ...say('mx.records', 'too-many-mx', { domain, count, cap }),
    evidence: { mxRecords: count, checked: cap, limit: 'mxHostsPerDomain' },
  };
}

export const mxMonitor: Monitor = { name: 'mx', run };
