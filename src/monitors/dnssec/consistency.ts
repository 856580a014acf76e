import { parseRrsig } from '../../dns/dnssec/rdata/rrsig.ts';
import { serialToEpochSeconds } from '../../dns/dnssec/serial-time.ts';
import { isDnsError } from '../../dns/errors.ts';
import type { DnsAnswer } from '../../dns/types.ts';
import { say, sayPart } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import type { MonitorContext } from '../types.ts';
import type { DnssecSettings } from './settings.ts';
import { type ZoneProblem, zoneVerdict } from './zone-verdict.ts';

const CHECK = 'dnssec.consistency';
const WITHOUT_VALIDATION = { dnssec: true, checkingDisabled: true } as const;

interface ServerView {
  nameserver: string;
  address: string;
  serial?: number;
  dnskeys?: number;
  /** ISO time of the earliest RRSIG expiration over SOA and DNSKEY on this server. */
  earliestExpiration?: string;
  error?: string;
  /** The DnsError kind (timeout, refused, …): the summary's short form of `error`. */
  errorKind?: string;
  skipped?: string;
}

function earliestExpiration(answers: DnsAnswer[], nowSeconds: number): number | undefined {
  const times = answers
    .flatMap((answer) => answer.answers)
    .filter((record) => record.type === 'RRSIG')
    .map((record) => serialToEpochSeconds(parseRrsig(record.rdata).expiration, nowSeconds));
  return times.length > 0 ? Math.min(...times) : undefined;
}

async function addressesOf(context: MonitorContext, host: string): Promise<string[]> {
  // CD: a zone that is bogus is exactly the one whose servers need comparing
  const lookups = await Promise.allSettled([
    context.dns.query(host, 'A', WITHOUT_VALIDATION),
    context.dns.query(host, 'AAAA', WITHOUT_VALIDATION),
  ]);
  return lookups.flatMap((lookup) =>
    lookup.status === 'fulfilled'
      ? lookup.value.answers
          .filter((record) => record.type === 'A' || record.type === 'AAAA')
          .map((record) => String(record.data))
      : [],
  );
}

async function viewOf(context: MonitorContext, zone: string, nameserver: string, address: string): Promise<ServerView> {
  const verdict = context.guard.check(address, 53);
  if (!verdict.allowed)
    return { nameserver, address, skipped: verdict.reason ?? verdict.category ?? 'refused by the target guard' };
  const server = { address, port: 53 };
  try {
    const soa = await context.dns.queryServer(server, zone, 'SOA', { dnssec: true });
    const dnskey = await context.dns.queryServer(server, zone, 'DNSKEY', { dnssec: true });
    const soaRecord = soa.answers.find((record) => record.type === 'SOA');
    const earliest = earliestExpiration([soa, dnskey], Math.floor(context.now().getTime() / 1000));
    return {
      nameserver,
      address,
      ...(soaRecord ? { serial: Number((soaRecord.data as { serial?: number }).serial) } : {}),
      dnskeys: dnskey.answers.filter((record) => record.type === 'DNSKEY').length,
      ...(earliest !== undefined ? { earliestExpiration: new Date(earliest * 1000).toISOString() } : {}),
    };
  } catch (error) {
    return {
      nameserver,
      address,
      error: isDnsError(error) ? `${error.kind}: ${error.message}` : String(error),
      ...(isDnsError(error) ? { errorKind: error.kind } : {}),
    };
  }
}

/**
 * dnssec.consistency: every authoritative server of the zone asked directly (RD=0): differing SOA serials, a server
 * without the DNSKEY set, a server whose signatures expire much earlier (a stale secondary), a server that does not
 * answer.
 */
export async function consistencyFinding(
  context: MonitorContext,
  zone: string,
  signed: boolean,
  settings: DnssecSettings,
): Promise<Finding> {
  const nsAnswer = await context.dns.query(zone, 'NS', WITHOUT_VALIDATION);
  const nameservers = nsAnswer.answers
    .filter((record) => record.type === 'NS')
    .map((record) => String(record.data).replace(/\.$/, '').toLowerCase());
  const views: ServerView[] = [];
  for (const nameserver of [...new Set(nameservers)].sort()) {
    const addresses = await addressesOf(context, nameserver);
    if (addresses.length === 0) views.push({ nameserver, address: '-', error: 'no address' });
    // every domain of a zone asks the same servers the same questions: once per run, shared
    const shared = (address: string) =>
      context.shared.memo(`dnssec:server-view:${zone}|${nameserver}|${address}`, () =>
        viewOf(context, zone, nameserver, address),
      );
    views.push(...(await Promise.all(addresses.map(shared))));
  }
  const problems: ZoneProblem[] = [];
  const answering = views.filter((view) => view.error === undefined && view.skipped === undefined);
  for (const view of views.filter((candidate) => candidate.error !== undefined)) {
    const why = view.errorKind ?? view.error;
    problems.push({
      status: 'warn',
      text: sayPart('dnssec.consistency', 'not-answering', {
        nameserver: view.nameserver,
        address: view.address,
        why: String(why),
      }),
    });
  }
  const serials = [...new Set(answering.map((view) => view.serial))];
  if (serials.length > 1) {
    const highest = Math.max(...answering.map((view) => view.serial ?? 0));
    const behind = answering
      .filter((view) => view.serial !== highest)
      .map((view) => ({ nameserver: view.nameserver, address: view.address, serial: view.serial ?? null }));
    problems.push({ status: 'warn', text: sayPart('dnssec.consistency', 'serials-differ', { behind, highest }) });
  }
  if (signed) {
    for (const view of answering.filter((candidate) => (candidate.dnskeys ?? 0) === 0)) {
      problems.push({
        status: 'fail',
        text: sayPart('dnssec.consistency', 'no-dnskey', { nameserver: view.nameserver, address: view.address }),
      });
    }
    const expirations = answering
      .filter((view) => view.earliestExpiration)
      .map((view) => Date.parse(view.earliestExpiration!));
    const best = Math.max(...expirations);
    for (const view of answering.filter((candidate) => candidate.earliestExpiration)) {
      const at = Date.parse(view.earliestExpiration!);
      if (best - at <= settings.staleAfterSeconds * 1000) continue;
      const remaining = (at - context.now().getTime()) / 1000;
      problems.push({
        status: remaining < settings.expiryFailSeconds ? 'fail' : 'warn',
        text: sayPart('dnssec.consistency', 'stale-copy', {
          nameserver: view.nameserver,
          address: view.address,
          expires: view.earliestExpiration!,
          aheadSeconds: (best - at) / 1000,
        }),
      });
    }
  }
  const evidence = { zone, servers: views };
  if (answering.length === 0 && views.length > 0 && views.every((view) => view.skipped !== undefined)) {
    // the target guard's decision, not a failure: reported like an MX address that is not probed
    return {
      check: CHECK,
      subject: zone,
      status: 'info',
      ...say('dnssec.consistency', 'skipped', { detail: String(views[0]!.skipped) }),
      evidence,
    };
  }
  if (answering.length === 0) {
    return {
      check: CHECK,
      subject: zone,
      status: 'error',
      ...say('dnssec.consistency', 'no-server', { zone }),
      evidence,
    };
  }
  return zoneVerdict(CHECK, zone, problems, evidence, {
    ok: say('dnssec.consistency', 'ok', {
      zone,
      servers: answering.length,
      signed,
      serial: answering[0]!.serial ?? null,
    }),
    problems: (parts) => say('dnssec.consistency', 'problems', { zone, problems: parts }),
  });
}
