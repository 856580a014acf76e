// placeholder: implemented by the DNS-layer work (see issue 2); the interface is the contract.
export interface GuardVerdict {
  allowed: boolean;
  /** e.g. 'loopback', 'private (RFC 1918)', 'link-local' — set when the address is special-purpose. */
  category?: string;
  /** Human reason when refused. */
  reason?: string;
}

/** One guard for every outbound probe whose target was learned from DNS. Configured resolvers are exempt. */
export interface TargetGuard {
  check(address: string): GuardVerdict;
}
