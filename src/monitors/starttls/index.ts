import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { transportOptions } from '../../smtp/settings.ts';
import { type AddressProbe, probeAddress } from '../mail-hosts/guarded-probe.ts';
import { type MxTarget, mxTargets } from '../mail-hosts/mx-targets.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { noteAgreement } from './agreement.ts';
import { type AddressContext, certificateFinding, cipherFinding, offeredFinding, protocolFinding } from './findings.ts';

async function probeHost(context: MonitorContext, host: MxTarget): Promise<Finding[]> {
  if (host.error) {
    return [
      {
        check: 'starttls.offered',
        subject: host.host,
        status: 'error',
        ...say('starttls', 'host-lookup-failed', { host: host.host, error: host.error }),
        evidence: { error: host.error },
      },
    ];
  }
  // no A/AAAA (NODATA or NXDOMAIN) is mx.records' fail; a lasting "could not probe" error here would only repeat it
  if (host.addresses.length === 0) return [];
  const transport = transportOptions(context.options);
  const findings: Finding[] = [];
  const probes = await Promise.all(
    host.addresses.map(
      async (address): Promise<[string, AddressProbe]> => [address, await probeAddress(context, host.host, address)],
    ),
  );
  for (const [address, probe] of probes) {
    const ctx: AddressContext = {
      host: host.host,
      address,
      referenceNames: [host.host, ...host.cnameChain],
      now: context.now(),
      caFile: context.options.caFile,
      transport,
    };
    findings.push(offeredFinding(ctx, probe));
    if (probe.kind !== 'probed') continue;
    for (const make of [protocolFinding, cipherFinding, certificateFinding]) {
      const f = make(ctx, probe.result);
      if (f) findings.push(f);
    }
  }
  noteAgreement(findings, host.host, host.addresses.length);
  return findings;
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const targets = await mxTargets(context, domain);
  switch (targets.kind) {
    case 'null-mx':
      return [];
    case 'none':
      return [];
    case 'error':
      return [
        {
          check: 'starttls.offered',
          subject: domain,
          status: 'error',
          ...say('starttls', 'mx-lookup-failed', { detail: targets.detail }),
          evidence: {},
        },
      ];
    case 'hosts': {
      const perHost = await Promise.all(targets.hosts.map((host) => probeHost(context, host)));
      return perHost.flat();
    }
  }
}

export const starttlsMonitor: Monitor = { name: 'starttls', run };
