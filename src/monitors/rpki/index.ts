import { say } from '../../i18n/say.ts';
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
      ...say('rpki', 'route-lookup-failed', { address, error: detail }),
      evidence: {},
    };
  }
  const evidence = { origins: found.origins.describe, vrps: found.vrps.size, routes: [] as unknown[] };
  if (routes.length === 0) {
    return {
      check,
      subject,
      status: 'warn',
      ...say('rpki', 'no-route', { address, source: found.origins.describe }),
      evidence: { ...evidence, state: 'not-found' },
    };
  }
  const verdicts = routes.map((route) => validateRoute(found.vrps, route));
  const state = worstState(verdicts);
  const routeTexts = verdicts.map((v) => `${v.prefix} AS${v.asn}`);
  const texts =
    state === 'valid'
      ? say('rpki', 'valid', { address, routes: routeTexts })
      : state === 'not-found'
        ? say('rpki', 'not-found', { address, routes: routeTexts })
        : say('rpki', 'invalid', { address, routes: routeTexts, vrps: verdicts.flatMap((v) => v.vrps) });
  return {
    check,
    subject,
    status: STATUS[state],
    ...texts,
    evidence: { ...evidence, state, routes: verdicts },
  };
}

function notConfigured(domain: string, settings: RpkiSettings): Finding {
  return {
    check: 'rpki.config',
    subject: domain,
    status: 'info',
    ...say('rpki.config', 'not-configured', { vrps: Boolean(settings.vrps), origins: Boolean(settings.origins) }),
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
        ...say('rpki.config', 'load-failed', { error: detail }),
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
        ...say('rpki.ns', 'ns-lookup-failed', { error: detail }),
        evidence: {},
      }),
    );
  }
  const targets = await mxTargets(context, domain);
  if (targets.kind === 'error')
    jobs.push(
      Promise.resolve({
        check: 'rpki.mx',
        subject: domain,
        status: 'error',
        ...say('rpki.mx', 'mx-lookup-failed', { detail: targets.detail }),
        evidence: {},
      }),
    );
  if (targets.kind === 'hosts')
    for (const host of targets.hosts) {
      if (host.error)
        jobs.push(
          Promise.resolve({
            check: 'rpki.mx',
            subject: host.host,
            status: 'error',
            ...say('rpki.mx', 'host-lookup-failed', { host: host.host, error: host.error }),
            evidence: {},
          }),
        );
      for (const address of host.addresses) jobs.push(addressFinding(context, found, 'rpki.mx', host.host, address));
    }
  return Promise.all(jobs);
}

export const rpkiMonitor: Monitor = { name: 'rpki', run };
