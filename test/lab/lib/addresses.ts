/**
 * The lab's address plan. Everything is on 127.0.0.0/8, which Linux routes to `lo` without any configuration, and
 * every server uses its own address so port 53/25/443 can be shared and nothing collides with a system resolver on
 * 127.0.0.1 or 127.0.0.53.
 */
export const resolverAddress = '127.53.0.1';
export const dnsPort = 53;

/** Authoritative NSD instances, one per level, so referrals are real referrals. */
export const authoritative = {
  root: { address: '127.53.1.1', nsName: 'ns-root.' },
  tld: { address: '127.53.1.2', nsName: 'ns1.test.' },
  zones: { address: '127.53.1.3' },
  stale: { address: '127.53.1.4' },
} as const;

/** Listed as an NS by `; lab: ns-dead` zones; nothing ever listens here. */
export const deadNsAddress = '127.53.1.254';

export const smtpSubnet = '127.25.0';
export const httpsSubnet = '127.44.0';
