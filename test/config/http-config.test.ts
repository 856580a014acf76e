import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'config.yaml', { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('http configuration', () => {
  it('has the listener and the dashboard off by default', () => {
    const config = parseConfig('', 'config.yaml', { env: {} });
    expect(config.http).toEqual({ dashboard: false });
  });

  it('reads the dashboard, its public URL and its secrets', () => {
    const config = parseConfig(
      `http:
  listen: "0.0.0.0:9110"
  dashboard: true
  publicUrl: https://mailwarden.example.nl/
  auth:
    token: "\${DASHBOARD_TOKEN}"
    basic: { user: auditor, password: "\${DASHBOARD_PASSWORD}" }
    trustedProxy: { header: X-Remote-User, from: [127.0.0.1] }
`,
      'config.yaml',
      { env: { DASHBOARD_TOKEN: 't0ken', DASHBOARD_PASSWORD: 'pw' } },
    );
    expect(config.http.publicUrl).toBe('https://mailwarden.example.nl');
    expect(config.http.auth?.token?.reveal()).toBe('t0ken');
    expect(config.http.auth?.basic?.password.reveal()).toBe('pw');
    expect(String(config.http.auth?.token)).toBe('[secret]');
    expect(JSON.stringify(config.http)).not.toContain('t0ken');
  });

  it('refuses the dashboard beyond loopback without authentication, naming the key and what to set', () => {
    expect(problemsOf('http: { listen: "0.0.0.0:9110", dashboard: true }\n')).toEqual([
      'config.yaml:1:44: http.dashboard: the dashboard on 0.0.0.0:9110 (not loopback) needs http.auth: a token, basic credentials or a trustedProxy; or listen on 127.0.0.1 / [::1]',
    ]);
    expect(() =>
      parseConfig('http: { listen: "[::1]:9110", dashboard: true }\n', 'config.yaml', { env: {} }),
    ).not.toThrow();
    expect(() => parseConfig('http: { listen: "0.0.0.0:9110" }\n', 'config.yaml', { env: {} })).not.toThrow();
  });

  it('says what is wrong with a public URL, an unset secret and a header name', () => {
    expect(problemsOf('http: { publicUrl: "ftp://x" }\n')[0]).toMatch(/http\.publicUrl: expected an http\(s\) URL/);
    expect(problemsOf('http: { auth: { token: "${NOPE}" } }\n')[0]).toMatch(/http\.auth\.token: .*NOPE/);
    expect(problemsOf('http: { auth: { trustedProxy: { header: "X User", from: [127.0.0.1] } } }\n')[0]).toMatch(
      /http\.auth\.trustedProxy\.header: expected a header name/,
    );
  });
});
