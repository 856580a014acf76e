import { inspect } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createChannels } from '../../src/alerts/create-channels.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { urlProblem } from '../../src/config/url.ts';
import { regressionNotice } from '../alerts/helpers.ts';
import { startHttpReceiver } from '../alerts/http-receiver.ts';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'config.yaml', { env, readFile: () => 'token-from-file\n' });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const hook = (url: string, extra = '') => `channels:\n  hook:\n    type: webhook\n    url: ${url}\n${extra}`;

describe('URL validation', () => {
  it.each([
    ['not a url', /expected a URL without spaces/],
    ['hooks.example.com/x', /expected an absolute URL/],
    ['ftp://files.example.com/x', /expected an http:\/\/ or https:\/\/ URL, got a ftp: URL/],
    ['gopher://h.example/x', /got a gopher: URL/],
    ['https://h.example/x#frag', /without a #fragment/],
  ])('refuses %s with file:line:column, never quoting the URL', (url, message) => {
    const problems = problemsOf(hook(`"${url}"`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\.yaml:4:10: channels\.hook\.url: /);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toContain(url);
  });

  it('checks the URL after a secret is resolved, still without printing it', () => {
    const problems = problemsOf('channels:\n  s:\n    type: slack\n    url: ${SLACK}\n', {
      SLACK: 'xoxb-secret-token',
    });
    expect(problems).toEqual([
      'config.yaml:4:10: channels.s.url: expected an absolute URL such as https://hooks.example.com/path',
    ]);
  });

  it('accepts http and https URLs', () => {
    expect(urlProblem('https://hooks.slack.com/services/T/B/X')).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(urlProblem('https://[::1]:8443/x?y=1')).toBeUndefined();
  });
});

describe('webhook headers are secrets', () => {
  it('resolves ${VAR} and file: in header values and never prints them', () => {
    const config = parseConfig(
      hook(
        'https://h.example/x',
        '    headers:\n      Authorization: Bearer ${TOKEN}\n      X-Api-Key: file:/run/secrets/key\n',
      ),
      'config.yaml',
      { env: { TOKEN: 'env-token-value' }, readFile: () => 'token-from-file\n' },
    );
    const channel = config.channels.hook!;
    if (channel.type !== 'webhook') throw new Error('wrong type');
    expect(channel.headers.Authorization?.reveal()).toBe('Bearer env-token-value');
    expect(channel.headers['X-Api-Key']?.reveal()).toBe('token-from-file');
    const printed = [JSON.stringify(config), inspect(config, { depth: 10 })].join('\n');
    expect(printed).not.toContain('env-token-value');
    expect(printed).not.toContain('token-from-file');
  });

  it('names an unset variable in a header at its line', () => {
    const problems = problemsOf(hook('https://h.example/x', '    headers:\n      Authorization: Bearer ${TOKEN}\n'));
    expect(problems).toEqual([
      'config.yaml:6:22: channels.hook.headers.Authorization: environment variable TOKEN is not set',
    ]);
  });

  it('names a bad header name and a header mailwarden sets itself', () => {
    const problems = problemsOf(
      hook('https://h.example/x', '    headers:\n      "bad header": x\n      X-Mailwarden-Signature: forged\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^config\.yaml:6:\d+: channels\.hook\.headers.*"bad header" is not a valid HTTP header name/,
      ),
      expect.stringMatching(/^config\.yaml:7:\d+: channels\.hook\.headers.*set by mailwarden itself/),
    ]);
  });
});

describe('a webhook sends its secret headers', () => {
  it('reveals them only in the request, and lists them for scrubbing', async () => {
    const receiver = await startHttpReceiver();
    try {
      const config = parseConfig(
        hook('${URL}', '    headers:\n      Authorization: Bearer ${TOKEN}\n'),
        'config.yaml',
        {
          env: { URL: `${receiver.url}/hook`, TOKEN: 'header-token-value' },
        },
      );
      const channel = createChannels(config.channels, pino({ level: 'silent' })).get('hook')!;
      const notices = [regressionNotice('x.example')];
      await channel.send({ idempotencyKey: 'k', route: 'r', digest: buildDigest(notices), notices });
      expect(receiver.requests[0]!.headers.authorization).toBe('Bearer header-token-value');
      expect(channel.secrets()).toContain('Bearer header-token-value');
    } finally {
      await receiver.close();
    }
  });
});
