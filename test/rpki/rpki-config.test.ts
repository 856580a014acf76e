import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { checkOptionsFor } from '../../src/daemon/check-options.ts';

const parse = (yaml: string) => parseConfig(yaml, '/etc/mailwarden/config.yaml', { env: {} });

describe('checks.rpki in the configuration', () => {
  it('files are relative to the config file; URLs and dns: sources stay as written', () => {
    const files = parse('checks:\n  rpki: { vrps: rpki/vrps.json, origins: rpki/origins.txt }\ndomains: [a.example]\n');
    expect(checkOptionsFor(files, files.domains[0]!).rpki).toEqual({
      vrps: '/etc/mailwarden/rpki/vrps.json',
      origins: '/etc/mailwarden/rpki/origins.txt',
    });
    const remote = parse(
      'checks:\n  rpki:\n    vrps: http://127.0.0.1:8323/json\n    origins: dns:origin.asn.cymru.com,origin6.asn.cymru.com\ndomains: [a.example]\n',
    );
    expect(checkOptionsFor(remote, remote.domains[0]!).rpki).toEqual({
      vrps: 'http://127.0.0.1:8323/json',
      origins: 'dns:origin.asn.cymru.com,origin6.asn.cymru.com',
    });
  });

  it('absent: no RPKI options, so the monitor says it is not configured', () => {
    const config = parse('domains: [a.example]\n');
    expect(checkOptionsFor(config, config.domains[0]!).rpki).toBeUndefined();
  });

  it('unknown keys are refused with their place', () => {
    expect(() => parse('checks:\n  rpki: { vrp: x }\n')).toThrow(ConfigError);
  });
});
