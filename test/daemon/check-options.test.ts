import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { checkOptionsFor } from '../../src/daemon/check-options.ts';

const parse = (yaml: string) => parseConfig(yaml, '/etc/mailwarden/config.yaml', { env: {} });

describe('check options from the configuration', () => {
  it('passes DNSSEC and transport thresholds to the monitors, in their units', () => {
    const config = parse(`
dns: { trustAnchorFile: anchors/root.ds }
checks:
  caFile: ca.pem
  allowPrivateTargets: true
  timeout: 3s
  dkimSelectors: [s1]
  dnssec: { expiryWarn: 5d, expiryFail: 1d, expiryWarnFraction: 0.1, staleAfter: 2h, clockSkew: 1m, maxNsec3Iterations: 50 }
  transport: { smtpPort: 2525, bannerTimeout: 20s, retryDelay: 2s, connectionsPerAddress: 2, legacyTls: false, certificateWarnDays: 21, certificateFailDays: 3, rolloverWarnDays: 40 }
domains: [a.example, { name: b.example, dkimSelectors: [own] }]
`);
    const options = checkOptionsFor(config, config.domains[0]!);
    expect(options).toMatchObject({
      dkimSelectors: ['s1'],
      allowPrivateTargets: true,
      timeoutMs: 3000,
      trustAnchorFile: '/etc/mailwarden/anchors/root.ds',
      caFile: '/etc/mailwarden/ca.pem',
      dnssec: {
        expiryWarnSeconds: 5 * 86400,
        expiryFailSeconds: 86400,
        expiryWarnFraction: 0.1,
        staleAfterSeconds: 7200,
        clockSkewSeconds: 60,
        maxNsec3Iterations: 50,
      },
      transport: {
        smtpPort: 2525,
        bannerTimeoutMs: 20_000,
        retryDelayMs: 2000,
        connectionsPerAddress: 2,
        legacyTls: false,
        certificateWarnDays: 21,
        certificateFailDays: 3,
        rolloverWarnDays: 40,
      },
    });
    expect(checkOptionsFor(config, config.domains[1]!).dkimSelectors).toEqual(['own']);
  });

  it('leaves unset thresholds to the monitors’ defaults', () => {
    const config = parse('checks: { dnssec: { expiryFail: 6h } }\ndomains: [a.example]\n');
    const options = checkOptionsFor(config, config.domains[0]!);
    expect(options.dnssec).toEqual({ expiryFailSeconds: 21600 });
    expect(options.transport).toBeUndefined();
  });

  it('rejects a wrong threshold with file, line and key', () => {
    expect(() => parse('checks:\n  transport:\n    smtpPort: 99999\n')).toThrow(ConfigError);
    expect(() => parse('checks:\n  dnssec:\n    expiryWarn: soon\n')).toThrow(
      '/etc/mailwarden/config.yaml:3:17: checks.dnssec.expiryWarn: expected a duration such as 30s, 5m, 1h or 1d, got "soon"',
    );
  });

  it('accepts only IP:PORT for the HTTP listener and keeps it off by default', () => {
    expect(parse('').http.listen).toBeUndefined();
    expect(parse('http: { listen: "127.0.0.1:9110" }').http.listen).toBe('127.0.0.1:9110');
    expect(parse('http: { listen: "[::1]:9110" }').http.listen).toBe('[::1]:9110');
    expect(() => parse('http: { listen: ":9110" }')).toThrow(/expected IP:PORT/);
    expect(() => parse('http: { listen: "localhost:9110" }')).toThrow(/expected IP:PORT/);
  });
});
