/** The real resolver aimed at the lab's Unbound: what the lab tests of the SPF, DMARC and DKIM monitors use. */
import { createResolver, type Resolver } from '../../src/dns/resolver.ts';
import { labInfo } from '../lab/info.ts';

export function labResolver(): Resolver {
  const { resolver } = labInfo();
  return createResolver({ servers: [`${resolver.address}:${resolver.port}`] });
}
