import type { Finding } from '../model.ts';
import { type AddressProbe, probeAddress } from '../smtp/guarded-probe.ts';
import { type MxTarget, mxTargets } from '../smtp/mx-targets.ts';
import { transportOptions } from '../smtp/settings.ts';
import {
  type AddressContext,
  certificateFinding,
  cipherFinding,
  offeredFinding,
  protocolFinding,
} from './starttls/findings.ts';
import type { Monitor, MonitorContext } from './types.ts';

/** When every address of a host got the same verdict, each summary says so (subjects stay per address for diffs). */
function noteAgreement(findings: Finding[], host: MxTarget): void {
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) byCheck.set(f.check, [...(byCheck.get(f.check) ?? []), f]);
  for (const group of byCheck.values()) {
    if (host.addresses.length < 2 || group.length !== host.addresses.length) continue;
    const first = group[0]!;
    if (group.every((f) => f.status === first.status && f.summary === first.summary)) {
      for (const f of group) f.summary = `${f.summary} (same on all ${group.length} addresses of ${host.host})`;
    }
  }
}

async function probeHost(context: MonitorContext, host: MxTarget): Promise<Finding[]> {
  if (host.error) {
    return [
      {
        check: 'starttls.offered',
        subject: host.host,
        status: 'error',
        summary: `Could not look up ${host.host}: ${host.error}`,
        evidence: { error: host.error },
      },
    ];
  }
  if (host.addresses.length === 0) {
    return [
      {
        check: 'starttls.offered',
        subject: host.host,
        status: 'error',
        summary: `${host.host} has no address to probe`,
        evidence: { addresses: [] },
      },
    ];
  }
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
  noteAgreement(findings, host);
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
          summary: `Could not find the MX hosts: ${targets.detail}`,
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
