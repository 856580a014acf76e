import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import { type Finding, type Status, worstStatus } from '../../model.ts';
import { transportOptions } from '../../smtp/settings.ts';
import { analyseChain } from '../../tls/presented-chain.ts';
import { probeAddress } from '../mail-hosts/guarded-probe.ts';
import { type MxTargets, mxTargets } from '../mail-hosts/mx-targets.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { mxPatternMatches } from './mx-pattern.ts';
import { parseStsPolicy, type StsPolicy } from './policy.ts';
import { fetchPolicy } from './policy-fetch.ts';
import { judgeStsRecord } from './record.ts';
import { lookUpTxt, shown } from './txt.ts';

const ONE_DAY = 86_400;

/** Whether each address of an MX host gives a sender what MTA-STS demands: STARTTLS and a valid, trusted certificate. */
async function mxTlsProblems(
  context: MonitorContext,
  targets: MxTargets,
): Promise<{ problems: string[]; unknown: string[] }> {
  const problems: string[] = [];
  const unknown: string[] = [];
  if (targets.kind !== 'hosts') return { problems, unknown };
  for (const host of targets.hosts) {
    for (const address of host.addresses) {
      const probe = await probeAddress(context, host.host, address);
      const subject = `${host.host}/${address}`;
      if (probe.kind === 'not-probed') {
        unknown.push(`${subject}: not probed`);
        continue;
      }
      const r = probe.result;
      if (r.outcome !== 'ok' || !r.tls) {
        if (['no-starttls', 'starttls-rejected', 'tls-failed'].includes(r.outcome))
          problems.push(`${subject}: ${r.outcome}`);
        else unknown.push(`${subject}: ${r.outcome}`);
        continue;
      }
      // MTA-STS validates the certificate against the MX host name itself (RFC 8461 §4.2), not a CNAME target
      const analysis = analyseChain(r.tls.chain, [host.host], context.now(), context.options.caFile);
      if (!analysis) problems.push(`${subject}: no certificate`);
      else if (!analysis.trust.trusted) problems.push(`${subject}: certificate not trusted (${analysis.trust.reason})`);
      else if (analysis.matchedName === undefined) problems.push(`${subject}: certificate not valid for ${host.host}`);
    }
  }
  return { problems, unknown };
}

function policyFinding(
  domain: string,
  status: Status,
  texts: ReturnType<typeof say>,
  evidence: Finding['evidence'],
): Finding {
  return { check: 'mtasts.policy', subject: domain, status, ...texts, evidence };
}

async function judgePolicy(
  context: MonitorContext,
  domain: string,
  policy: StsPolicy,
  evidence: Finding['evidence'],
): Promise<Finding> {
  const targets = await mxTargets(context, domain);
  const mxHosts = targets.kind === 'hosts' && !targets.implicit ? targets.hosts.map((h) => h.host) : [];
  const uncovered = mxHosts.filter((mx) => !policy.mx.some((pattern) => mxPatternMatches(pattern, mx)));
  const notes: Part[] = [];
  const fixes: Part[] = [];
  const statuses: Status[] = [policy.mode === 'enforce' ? 'ok' : 'info'];
  const raise = (to: Status) => statuses.push(to);
  const full = { ...evidence, policy, mxHosts, uncovered };
  if (policy.mode === 'none') {
    return policyFinding(domain, 'info', say('mtasts.policy', 'mode-none', {}), full);
  }
  if (uncovered.length > 0) {
    raise(policy.mode === 'enforce' ? 'fail' : 'warn');
    notes.push(sayPart('mtasts.policy', 'uncovered-mx', { uncovered, enforce: policy.mode === 'enforce' }));
    fixes.push(sayPart('mtasts.policy', 'fix-uncovered-mx', { uncovered }));
  }
  if (policy.maxAge < ONE_DAY) {
    raise('warn');
    notes.push(sayPart('mtasts.policy', 'short-max-age', { maxAge: policy.maxAge }));
    fixes.push(sayPart('mtasts.policy', 'fix-short-max-age', {}));
  }
  let tls: { problems: string[]; unknown: string[] } = { problems: [], unknown: [] };
  if (policy.mode === 'enforce') {
    tls = await mxTlsProblems(context, targets);
    if (tls.problems.length > 0) {
      raise('fail');
      notes.push(sayPart('mtasts.policy', 'mx-tls-problems', { problems: tls.problems }));
      fixes.push(sayPart('mtasts.policy', 'fix-mx-tls', {}));
    }
  } else if (policy.mode === 'testing') {
    notes.push(sayPart('mtasts.policy', 'testing-mode', {}));
  }
  const status = worstStatus(statuses);
  // a problem is the line's subject; the policy itself is in the evidence
  const texts = say('mtasts.policy', 'judged', {
    mode: policy.mode,
    maxAge: policy.maxAge,
    mx: policy.mx,
    problem: status === 'fail' || status === 'warn',
    notes,
    fixes,
  });
  return policyFinding(domain, status, texts, { ...full, mxTls: tls });
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const record = judgeStsRecord(domain, await lookUpTxt(context.dns, `_mta-sts.${domain}`));
  if (!record.present && record.finding.status === 'info' && (await mxTargets(context, domain)).kind === 'null-mx') {
    // a domain that accepts no mail needs no policy about how to deliver it
    const { fix: _advice, ...finding } = record.finding;
    return [{ ...finding, ...say('mtasts.record', 'not-needed', { domain }) }];
  }
  if (!record.present || record.finding.status === 'error') return [record.finding];
  const transport = transportOptions(context.options);
  const fetched = await fetchPolicy(context, domain, {
    port: transport.httpsPort,
    timeoutMs: context.options.timeoutMs,
    maxBytes: transport.mtaStsMaxBytes,
    caFile: context.options.caFile,
  });
  const url = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  if (fetched.kind === 'unreachable') {
    return [
      record.finding,
      policyFinding(
        domain,
        fetched.transient ? 'error' : 'info',
        say('mtasts.policy', 'unreachable', { url, error: fetched.reason }),
        { url },
      ),
    ];
  }
  if (fetched.kind === 'bad') {
    return [
      record.finding,
      policyFinding(
        domain,
        'fail',
        say('mtasts.policy', 'unusable', { url, domain, detail: shown(fetched.reason, 300) }),
        { url, ...fetched },
      ),
    ];
  }
  const parsed = parseStsPolicy(fetched.body);
  const evidence = { url, address: fetched.address, contentType: fetched.contentType, body: shown(fetched.body, 2000) };
  if (!parsed.ok) {
    return [
      record.finding,
      policyFinding(domain, 'fail', say('mtasts.policy', 'unparsable', { detail: parsed.reason }), evidence),
    ];
  }
  return [record.finding, await judgePolicy(context, domain, parsed.policy, evidence)];
}

export const mtaStsMonitor: Monitor = { name: 'mtasts', run };
