import { DnsError } from '../../dns/errors.ts';
import type { DnsAnswer, DnsRecord } from '../../dns/types.ts';
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

function errorFinding(subject: string, what: string, error: DnsError): Finding {
  return {
    check: CHECK,
    subject,
    status: 'error',
    summary: `Could not look up ${what}: ${error.message}`,
    evidence: { error: error.kind, server: error.server, ede: error.ede },
  };
}

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
        summary: `MX target ${host} is an IP address literal, not a host name`,
        evidence,
        fix: `Point the MX record at a host name (e.g. mail.${domain}) that has A/AAAA records; RFC 5321 §5.1 does not allow an address as MX target.`,
      },
    };
  }
  if (kind === 'localhost') {
    return {
      addresses: [],
      finding: {
        ...base,
        status: 'fail',
        summary: `MX target ${host} is localhost: senders would deliver to themselves`,
        evidence,
        fix: 'Replace the MX record by the name of the real mail server, or publish a null MX (MX 0 .) if the domain receives no mail.',
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
        return { addresses: [], finding: errorFinding(host, `the address of ${host}`, result.reason) };
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
        summary: `MX target ${host} is a CNAME (to ${cname}); MX must name a host with its own A/AAAA records`,
        evidence: { ...evidence, cname, addresses },
        fix: `Change the MX record to point at ${cname} directly (RFC 2181 §10.3, RFC 5321 §5.1); some senders refuse CNAME targets.`,
      },
    };
  }
  if (addresses.length === 0) {
    return {
      addresses,
      finding: {
        ...base,
        status: 'fail',
        summary: nxdomain
          ? `MX target ${host} does not exist (NXDOMAIN): mail to ${domain} cannot be delivered there`
          : `MX target ${host} has no A or AAAA record: mail to ${domain} cannot be delivered there`,
        evidence: { ...evidence, nxdomain },
        fix: `Publish A/AAAA records for ${host}, or remove it from the MX set of ${domain}.`,
      },
    };
  }
  const special = addresses.map((address) => classifyAddress(address)?.category);
  if (!context.options.allowPrivateTargets && special.every((category) => category !== undefined)) {
    const categories = [...new Set(special)].join('; ');
    return {
      addresses,
      finding: {
        ...base,
        status: 'warn',
        summary: `MX target ${host} resolves only to special-purpose addresses (${categories}): mail from the Internet cannot reach it there, and mailwarden does not probe it`,
        evidence: { ...evidence, addresses, specialPurpose: special },
        fix: `Publish the public address(es) of ${host}; loopback, private (RFC 1918), link-local and documentation addresses are not reachable from other networks.`,
      },
    };
  }
  const { addressesPerHost } = checkLimits(context.options);
  const capped =
    addresses.length > addressesPerHost
      ? ` (only the first ${addressesPerHost} are probed: checks.limits.addressesPerHost)`
      : '';
  return {
    addresses,
    finding: {
      ...base,
      status: 'ok',
      summary: `MX target ${host} resolves to ${addresses.join(', ')}${capped}`,
      evidence: { ...evidence, addresses, ...(capped ? { probedAddresses: addressesPerHost } : {}) },
    },
  };
}

function domainFinding(
  domain: string,
  status: Finding['status'],
  summary: string,
  evidence: Finding['evidence'],
  fix?: string,
): Finding {
  return { check: CHECK, subject: domain, status, summary, evidence, ...(fix ? { fix } : {}) };
}

async function implicitMx(context: MonitorContext, domain: string): Promise<Finding[]> {
  const lookups = await Promise.all(['A', 'AAAA'].map((type) => context.dns.query(domain, type)));
  const addresses = lookups.flatMap((answer, index) =>
    recordsOfType(answer, index === 0 ? 'A' : 'AAAA').map((record) => String(record.data)),
  );
  if (addresses.length > 0) {
    return [
      domainFinding(
        domain,
        'info',
        `No MX record: senders fall back to the domain's own address (${addresses.join(', ')})`,
        { mx: [], implicitMx: addresses },
        `Publish an explicit MX record (or a null MX "MX 0 ." if ${domain} receives no mail); the A/AAAA fallback is legacy behaviour.`,
      ),
    ];
  }
  return [
    domainFinding(
      domain,
      'warn',
      `No MX record and no address: ${domain} cannot receive mail, and senders only find out after retrying`,
      { mx: [], implicitMx: [] },
      `If ${domain} receives no mail, publish a null MX ("${domain}. IN MX 0 .", RFC 7505) so senders fail fast; otherwise publish MX records.`,
    ),
  ];
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  let answer: DnsAnswer;
  try {
    answer = await context.dns.query(domain, 'MX');
  } catch (error) {
    if (error instanceof DnsError) return [errorFinding(domain, `the MX records of ${domain}`, error)];
    throw error;
  }
  if (answer.rcode === 'NXDOMAIN') {
    return [
      domainFinding(
        domain,
        'fail',
        `${domain} does not exist (NXDOMAIN)`,
        { rcode: answer.rcode },
        `Check the spelling, or register/restore the domain's delegation; mail addressed to ${domain} bounces.`,
      ),
    ];
  }
  // A recursive answer holds only the CNAME chain of the question and its final MX RRset.
  const entries = recordsOfType(answer, 'MX')
    .map(toMxEntry)
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
  if (entries.length === 0) {
    try {
      return await implicitMx(context, domain);
    } catch (error) {
      if (error instanceof DnsError) return [errorFinding(domain, `the addresses of ${domain}`, error)];
      throw error;
    }
  }
  const mxList = entries.map((entry) => `${entry.preference} ${entry.exchange || '.'}`);
  const nullMx = entries.filter((entry) => entry.exchange === '');
  if (nullMx.length > 0) {
    if (entries.length === 1 && nullMx[0]!.preference === 0) {
      return [
        domainFinding(domain, 'ok', `Null MX (RFC 7505): ${domain} declares that it accepts no mail`, {
          mx: mxList,
          nullMx: true,
        }),
      ];
    }
    return [
      domainFinding(
        domain,
        'fail',
        `Null MX mixed with other MX records (${mxList.join(', ')}): the null MX is invalid and senders may bounce or deliver unpredictably`,
        { mx: mxList, nullMx: true },
        entries.length > 1
          ? `Either remove "MX 0 ." (the domain receives mail) or remove every other MX record (it does not), RFC 7505 §3.`
          : 'A null MX must have preference 0: publish exactly "MX 0 .".',
      ),
    ];
  }
  const { mxHostsPerDomain } = checkLimits(context.options);
  const judged = entries.slice(0, mxHostsPerDomain);
  const hosts = await Promise.all(judged.map((entry) => judgeHost(context, domain, entry)));
  const findings = [...hosts.map((host) => host.finding)];
  if (entries.length > judged.length) findings.push(tooManyFinding(domain, entries.length, mxHostsPerDomain));
  const status = worstStatus(findings.map((finding) => finding.status));
  const bad = hosts.filter((host) => host.finding.status !== 'ok').map((host) => host.finding.subject);
  const summary =
    bad.length === 0
      ? entries.length > judged.length
        ? `${entries.length} MX records; the first ${judged.length} are resolvable: ${mxList.slice(0, judged.length).join(', ')}`
        : `${entries.length} MX record${entries.length === 1 ? '' : 's'}, all resolvable: ${mxList.join(', ')}`
      : `${bad.length} of ${entries.length} MX targets have a problem: ${bad.join(', ')}`;
  const evidence = {
    mx: judged.map((entry, index) => ({ ...entry, addresses: hosts[index]!.addresses })),
    ...(entries.length > judged.length ? { mxRecords: entries.length, checked: judged.length } : {}),
  };
  return [domainFinding(domain, status, summary, evidence), ...findings];
}

/** More MX hosts than one check looks at: the rest are neither resolved nor probed. */
function tooManyFinding(domain: string, count: number, cap: number): Finding {
  return {
    check: CHECK,
    subject: `${domain}/limit`,
    status: 'warn',
    summary: `${domain} has ${count} MX records; only the first ${cap} by preference are checked and probed (checks.limits.mxHostsPerDomain)`,
    evidence: { mxRecords: count, checked: cap, limit: 'mxHostsPerDomain' },
    fix: 'Publish a few MX records (two to four hosts are plenty); senders try them in preference order, and hundreds only slow delivery down.',
  };
}

export const mxMonitor: Monitor = { name: 'mx', run };
