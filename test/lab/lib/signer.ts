import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.ts';
import { dnskeyRecord, type ZoneKeys } from './keys.ts';
import { runDir } from './paths.ts';
import { absoluteName, formatRr, fqdn, parseRrLines, type Rr } from './records.ts';
import type { ZoneDirectives } from './zone-source.ts';

export interface SignatureWindow {
  inception: Date;
  expiration: Date;
}

const day = 86400;

/**
 * RRSIG validity from the directives: by default one hour ago to 30 days later, like dnssec-signzone's own default.
 * Unbound tolerates clock skew of 10 % of the signature span (at least 1 h, at most 1 day), so a span of 30 days
 * would keep `expire=-1d` valid for Unbound. Signatures that are expired or not yet valid on purpose therefore get a
 * 10-hour span: Unbound's tolerance drops to 1 hour and the scenario is unambiguous for every validator.
 */
export function signatureWindow(d: Pick<ZoneDirectives, 'expire' | 'inception'>, now: Date): SignatureWindow {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const at = (seconds: number) => new Date((nowSeconds + seconds) * 1000);
  const inception = at(d.inception ?? -3600);
  const expiration = d.expire !== undefined ? at(d.expire) : new Date(inception.getTime() + 30 * day * 1000);
  const brokenOnPurpose = expiration.getTime() <= now.getTime() || inception.getTime() > now.getTime();
  if (brokenOnPurpose && d.expire !== undefined && d.inception === undefined)
    return { inception: new Date(expiration.getTime() - brokenSpan * 1000), expiration };
  if (brokenOnPurpose && d.expire === undefined)
    return { inception, expiration: new Date(inception.getTime() + brokenSpan * 1000) };
  if (expiration <= inception)
    throw new Error(`the RRSIG expiration ${expiration.toISOString()} is not after the inception`);
  return { inception, expiration };
}

const brokenSpan = 10 * 3600;

function signzoneTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '');
}

/**
 * Signs with BIND's dnssec-signzone (KSK signs only the DNSKEY set, ZSK the rest), then removes the RRSIGs that
 * `strip-rrsig` names. Post-signing verification is off because several scenarios are bogus on purpose.
 */
export async function signZone(
  zone: string,
  records: Rr[],
  keys: ZoneKeys,
  d: ZoneDirectives,
  window: SignatureWindow,
  label: string,
): Promise<Rr[]> {
  const origin = fqdn(zone);
  const work = join(runDir, 'work', `${zone === '.' ? '_root' : zone}.${label}`);
  mkdirSync(work, { recursive: true });
  const ttl = records.find((r) => r.type === 'SOA')?.ttl ?? 300;
  const unsigned = [...records, dnskeyRecord(keys.ksk, ttl), dnskeyRecord(keys.zsk, ttl)];
  const input = join(work, 'unsigned.zone');
  const output = join(work, 'signed.zone');
  writeFileSync(input, `${unsigned.map(formatRr).join('\n')}\n`);
  if (d.denial === 'nsec3' && d.nsec3Iterations > signzoneMaxIterations) {
    await signWithLdns(origin, input, output, keys, d, window);
    return stripRrsigs(parseRrLines(readFileSync(output, 'utf8')), d.stripRrsig, origin, zone);
  }
  const args = ['-P', '-x', '-q', '-O', 'full', '-N', 'keep', '-o', origin, '-K', work];
  args.push('-s', signzoneTime(window.inception), '-e', signzoneTime(window.expiration));
  if (d.denial === 'nsec3') {
    args.push('-3', d.nsec3Salt, '-H', String(d.nsec3Iterations));
    if (d.nsec3OptOut) args.push('-A');
  }
  args.push('-k', `${keys.ksk}.key`, '-f', output, input, `${keys.zsk}.key`);
  await exec('dnssec-signzone', args);
  return stripRrsigs(parseRrLines(readFileSync(output, 'utf8')), d.stripRrsig, origin, zone);
}

/** dnssec-signzone refuses more NSEC3 iterations than this; ldns-signzone signs them (with a warning). */
const signzoneMaxIterations = 150;

/**
 * Zones with more NSEC3 iterations than validators accept (RFC 9276 §3.2: their denials become insecure) are signed
 * by ldns-signzone, which has no cap. The same keys and window, so the DS in the parent stays valid.
 */
async function signWithLdns(
  origin: string,
  input: string,
  output: string,
  keys: ZoneKeys,
  d: ZoneDirectives,
  window: SignatureWindow,
): Promise<void> {
  const args = ['-n', '-t', String(d.nsec3Iterations)];
  if (d.nsec3Salt !== '-') args.push('-s', d.nsec3Salt);
  if (d.nsec3OptOut) args.push('-p');
  args.push('-i', signzoneTime(window.inception), '-e', signzoneTime(window.expiration));
  args.push('-o', origin, '-f', output, input, keys.ksk, keys.zsk);
  await exec('ldns-signzone', args);
}

function stripRrsigs(rrs: Rr[], strip: ZoneDirectives['stripRrsig'], origin: string, zone: string): Rr[] {
  let kept = rrs;
  for (const { owner, type } of strip) {
    const name = absoluteName(owner, origin);
    const isTarget = (r: Rr) => r.owner === name && r.type === 'RRSIG' && r.rdata.split(/\s+/)[0] === type;
    if (!kept.some(isTarget)) throw new Error(`${zone}: strip-rrsig=${owner} ${type} matches no RRSIG`);
    kept = kept.filter((r) => !isTarget(r));
  }
  return kept;
}
