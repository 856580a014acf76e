/**
 * The DKIM monitor: dkim.key per selector (configured ones, or the common ones that exist) and dkim.selectors, an
 * overview for the domain: which selectors were found, whether _domainkey.<domain> exists, and whether the domain
 * sends mail at all.
 */
import { isDnsError } from '../../dns/errors.ts';
import type { DnsClient } from '../../dns/types.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { cnameChain, lookupMx, lookupTxt } from '../spf/spf-dns.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { keyFinding, type SelectorLookup } from './key-finding.ts';

/** Tried when no selectors are configured: the defaults of common signers and providers (documented). */
export const COMMON_SELECTORS = ['default', 'dkim', 'mail', 'selector1', 'selector2', 'google', 'k1', 'k2', 's1', 's2'];

async function lookupSelector(
  dns: DnsClient,
  domain: string,
  selector: string,
  configured: boolean,
): Promise<SelectorLookup> {
  const name = `${selector}._domainkey.${domain}`;
  const txt = await lookupTxt(dns, name);
  return {
    selector,
    name,
    records: txt.status === 'found' ? txt.values : [],
    cnames: cnameChain(txt.answer),
    configured,
  };
}

/** Signals that a domain sends no mail: SPF "v=spf1 -all", null MX, DMARC p=reject. */
async function nonSendingSignals(dns: DnsClient, domain: string): Promise<string[]> {
  const signals: string[] = [];
  const [spf, mx, dmarc] = await Promise.all([
    lookupTxt(dns, domain),
    lookupMx(dns, domain),
    lookupTxt(dns, `_dmarc.${domain}`),
  ]);
  const spfRecords = spf.status === 'found' ? spf.values.filter((v) => /^v=spf1(?: |$)/i.test(v)) : [];
  if (spfRecords.length === 1 && /^v=spf1\s+-all\s*$/i.test(spfRecords[0]!)) signals.push('SPF "v=spf1 -all"');
  if (mx.status === 'found' && mx.values.length === 1 && mx.values[0]!.exchange === '') signals.push('null MX');
  if (dmarc.status === 'found' && dmarc.values.some((v) => /^v=DMARC1\s*;(.*;)?\s*p\s*=\s*reject\s*(;|$)/i.test(v))) {
    signals.push('DMARC p=reject');
  }
  return signals;
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const configured = context.options.dkimSelectors;
  try {
    const selectors = configured.length > 0 ? configured : COMMON_SELECTORS;
    const lookups = await Promise.all(
      selectors.map((s) => lookupSelector(context.dns, domain, s, configured.length > 0)),
    );
    const found = lookups.filter((l) => l.records.length > 0);
    const keyFindings = (configured.length > 0 ? lookups : found).map(keyFinding);
    const domainkey = await lookupTxt(context.dns, `_domainkey.${domain}`);
    const domainkeyExists = domainkey.answer.rcode !== 'NXDOMAIN';
    const signals = await nonSendingSignals(context.dns, domain);
    const overview = selectorsFinding(domain, {
      configured: configured.length > 0,
      tried: selectors,
      found: found.map((l) => l.selector),
      domainkeyExists,
      nonSending: signals.includes('SPF "v=spf1 -all"') ? signals : [],
    });
    return [overview, ...keyFindings];
  } catch (error) {
    if (!isDnsError(error)) throw error;
    const subjects = configured.map((s) => ({ check: 'dkim.key', subject: `${s}._domainkey.${domain}` }));
    return [{ check: 'dkim.selectors', subject: domain }, ...subjects].map((base) => ({
      ...base,
      status: 'error',
      ...say('dkim', 'dns-error', { error: error.message }),
      evidence: { error: error.message },
    }));
  }
}

interface Overview {
  configured: boolean;
  tried: string[];
  found: string[];
  domainkeyExists: boolean;
  nonSending: string[];
}

function selectorsFinding(domain: string, overview: Overview): Finding {
  const base = { check: 'dkim.selectors', subject: domain, evidence: { ...overview } };
  const domainkeyExists = overview.domainkeyExists;
  if (overview.found.length === 0 && overview.nonSending.length > 0) {
    return {
      ...base,
      status: 'info',
      ...say('dkim.selectors', 'sends-no-mail', { domain, nonSending: overview.nonSending }),
    };
  }
  if (overview.found.length > 0) {
    return {
      ...base,
      status: 'info',
      ...say('dkim.selectors', 'found', { domain, found: overview.found, domainkeyExists }),
    };
  }
  if (overview.configured) {
    return {
      ...base,
      status: 'info',
      ...say('dkim.selectors', 'configured-none', { domain, domainkeyExists }),
    };
  }
  return {
    ...base,
    status: overview.domainkeyExists ? 'info' : 'warn',
    ...say('dkim.selectors', 'common-none', { domain, tried: overview.tried, domainkeyExists }),
  };
}

export const dkimMonitor: Monitor = { name: 'dkim', run };
