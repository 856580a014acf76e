import type { Finding, Status } from '../../model.ts';
import { zoneNameservers } from '../ipv6/nameservers.ts';
import { mxTargets } from '../mail-hosts/mx-targets.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { dnsOrigins, fileOrigins, type OriginSource, parseOriginsSetting } from './origins.ts';
import type { RpkiSettings } from './settings.ts';
import { type OriginState, validateRoute, worstState } from './validate.ts';
import { loadVrps, type VrpTable } from './vrps.ts';

interface Sources {
  vrps: VrpTable;
  origins: OriginSource;
  vrpSkipped: number;
}

const STATUS: Record<OriginState, Status> = { valid: 'ok', 'not-found': 'warn', invalid: 'fail' };

function sources(context: MonitorContext, settings: Required<RpkiSettings>): Promise<Sources> {
  return context.shared.memo(`rpki:sources:${settings.vrps}:${settings.origins}`, async () => {
    const { table, skipped } = await loadVrps(settings.vrps, context.options.timeoutMs);
    const origin = parseOriginsSetting(settings.origins);
    const origins = origin.kind === 'file' ? await fileOrigins(origin.path) : dnsOrigins(context.dns, origin);
    return { vrps: table, origins, vrpSkipped: skipped };
  });
}

async function addressFinding(
  context: MonitorContext,
  found: Sources,
  check: 'rpki.ns' | 'rpki.mx',
  host: string,
  address: string,
): Promise<Finding> {
  const subject = `${host}/${address}`;
  let routes: Awaited<ReturnType<OriginSource['routesFor']>>;
  try {
    routes = await context.shared.memo(`rpki:routes:${address}`, () => found.origins.routesFor(address));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      check,
      subject,
      status: 'error',
      summary: `Could not find the route of ${address}: ${detail}`,
      evidence: {},
    };
  }
  const evidence = { origins: found.origins.describe, vrps: found.vrps.size, routes: [] as unknown[] };
  if (routes.length === 0) {
    return {
      check,
      subject,
      status: 'warn',
      summary: `${address}: no announced route found (${found.origins.describe}), so no ROA can cover it`,
      evidence: { ...evidence, state: 'not-found' },
      fix: 'Check the address; a routed address needs a route origin authorisation (ROA) from its holder.',
    };
  }
  const verdicts = routes.map((route) => validateRoute(found.vrps, route));
  const state = worstState(verdicts);
  const routeText = verdicts.map((v) => `${v.prefix} AS${v.asn}`).join(', ');
  const summaries: Record<OriginState, string> = {
    valid: `${address}: route ${routeText} is RPKI-valid`,
    'not-found': `${address}: no ROA covers route ${routeText} (RPKI not-found): its announcement can be hijacked unnoticed`,
    invalid: `${address}: route ${routeText} is RPKI-invalid (origin AS or prefix length not authorised by ${verdicts.flatMap((v) => v.vrps).join(', ')}): networks that validate drop it`,
  };
  const fixes: Partial<Record<OriginState, string>> = {
    'not-found':
      'Ask the holder of the address block (your hoster or ISP) to publish a ROA for the announced prefix and origin AS.',
    invalid:
      'Have the address holder correct the ROA (origin AS, maxLength) or the BGP announcement: RPKI-validating networks cannot reach this address.',
  };
  return {
    check,
    subject,
    status: STATUS[state],
    summary: summaries[state],
    evidence: { ...evidence, state, routes: verdicts },
    ...(fixes[state] ? { fix: fixes[state] } : {}),
  };
}

function notConfigured(domain: string, settings: RpkiSettings): Finding {
  const missing = [
    settings.vrps ? undefined : 'a VRP export (checks.rpki.vrps)',
    settings.origins ? undefined : 'an IP-to-origin-AS source (checks.rpki.origins)',
  ].filter(Boolean);
  return {
    check: 'rpki.config',
    subject: domain,
    status: 'info',
    summary: `RPKI origin validation is not configured: set ${missing.join(' and ')}`,
    evidence: { vrps: settings.vrps ?? null, origins: settings.origins ?? null },
  };
}

/** RPKI route origin validation (RFC 6811) of the name server and MX addresses, as Internet.nl's mail test does. */
async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const settings = context.options.rpki ?? {};
  if (!settings.vrps || !settings.origins) return [notConfigured(domain, settings)];
  let found: Sources;
  try {
    found = await sources(context, { vrps: settings.vrps, origins: settings.origins });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return [
      {
        check: 'rpki.config',
        subject: domain,
        status: 'error',
        summary: `Could not load the RPKI data: ${detail}`,
        evidence: { vrps: settings.vrps, origins: settings.origins },
      },
    ];
  }
  const jobs: Promise<Finding>[] = [];
  try {
    const { nameservers } = await zoneNameservers(context, domain);
    for (const ns of nameservers)
      for (const address of [...ns.ipv4, ...ns.ipv6])
        jobs.push(addressFinding(context, found, 'rpki.ns', ns.name, address));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    jobs.push(
      Promise.resolve({
        check: 'rpki.ns',
        subject: domain,
        status: 'error',
        summary: `Could not find the name servers: ${detail}`,
        evidence: {},
      }),
    );
  }
  const targets = await mxTargets(context, domain);
  if (targets.kind === 'hosts')
    for (const host of targets.hosts)
      for (const address of host.addresses) jobs.push(addressFinding(context, found, 'rpki.mx', host.host, address));
  return Promise.all(jobs);
}

export const rpkiMonitor: Monitor = { name: 'rpki', run };
