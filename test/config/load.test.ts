import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

const files: Record<string, string> = {};
const readFile = (path: string) => {
  const found = Object.entries(files).find(([name]) => path.endsWith(name));
  if (!found) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return found[1];
};

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'config.yaml', { env, readFile });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('fills defaults for an empty file', () => {
    const config = parseConfig('', 'config.yaml', { env: {} });
    expect(config.schedule.interval).toBe(3_600_000);
    expect(config.alerting).toMatchObject({
      failureThreshold: 2,
      successThreshold: 2,
      confirmDelay: 180_000,
      sendOnResolved: true,
      reminderInterval: 86_400_000,
    });
    expect(config.domains).toEqual([]);
    expect(config.state.url.reveal()).toMatch(/^sqlite:\/.*\/state\/mailwarden\.db$/);
  });

  it('keeps a PostgreSQL password out of sight and resolves it from the environment', () => {
    const config = parseConfig('state:\n  url: postgres://mw:${PGPASS}@127.0.0.1:5432/mw\n', '/etc/mw/config.yaml', {
      env: { PGPASS: 'pw-from-env' },
    });
    expect(config.state.url.reveal()).toBe('postgres://mw:pw-from-env@127.0.0.1:5432/mw');
    expect(JSON.stringify(config.state)).not.toContain('pw-from-env');
  });

  it('places a relative SQLite file beside the configuration, and refuses the old state.dir with the way forward', () => {
    const config = parseConfig('state: { url: "sqlite:db/mw.db" }\n', '/etc/mw/config.yaml', { env: {} });
    expect(config.state.url.reveal()).toBe('sqlite:/etc/mw/db/mw.db');
    const problems = problemsOf('state:\n  dir: ./state\n').join('\n');
    expect(problems).toMatch(/config\.yaml:2:\d+: state\.dir: state\.dir was replaced by state\.url/);
    expect(problems).toContain('mailwarden state import');
  });

  it('names file, line, column and key of a bad value and says what is expected', () => {
    const problems = problemsOf('schedule:\n  concurrency: 4\n  interval: 1 hour\n');
    expect(problems).toEqual([
      'config.yaml:3:13: schedule.interval: expected a duration such as 30s, 5m, 1h or 1d, got "1 hour"',
    ]);
  });

  it('reports an unknown (misspelt) key at its own line', () => {
    const problems = problemsOf('alerting:\n  failureThreshold: 3\n  reminderIntervall: 12h\n');
    expect(problems[0]).toMatch(/^config\.yaml:3:3: alerting\.reminderIntervall: unknown key "reminderIntervall"/);
  });

  it('reports a wrong type inside a list with its index', () => {
    const problems = problemsOf(
      'domains:\n  - example.nl\n  - name: example.com\n    spfSenderIps: [192.0.2.1, not-an-ip]\n',
    );
    expect(problems).toEqual(['config.yaml:4:31: domains[1].spfSenderIps[1]: expected an IP address']);
  });

  it('reports a route naming a channel that does not exist', () => {
    const problems = problemsOf('channels:\n  ops:\n    type: log\nroutes:\n  - name: all\n    channels: [opz]\n');
    expect(problems).toEqual(['config.yaml:6:16: routes[0].channels[0]: no channel named "opz" (defined: ops)']);
  });

  it('reports YAML syntax errors with a line', () => {
    const problems = problemsOf('schedule:\n  interval: [1h\n');
    expect(problems[0]).toMatch(/^config\.yaml:\d+:\d+: YAML syntax/);
  });

  it('resolves secrets from the environment and from files, and never prints them', () => {
    files['/run/secrets/hook'] = 'file-secret-value\n';
    const config = parseConfig(
      'channels:\n  slack:\n    type: slack\n    url: ${SLACK_URL}\n  hook:\n    type: webhook\n    url: https://h.example/x\n    secret: file:/run/secrets/hook\n',
      'config.yaml',
      { env: { SLACK_URL: 'https://hooks.slack.com/services/T0/B0/env-secret-value' }, readFile },
    );
    const slack = config.channels.slack!;
    const hook = config.channels.hook!;
    if (slack.type !== 'slack' || hook.type !== 'webhook') throw new Error('wrong channel types');
    expect(slack.url.reveal()).toBe('https://hooks.slack.com/services/T0/B0/env-secret-value');
    expect(hook.secret?.reveal()).toBe('file-secret-value');
    const printed = [JSON.stringify(config), inspect(config, { depth: 10 }), `${slack.url}`, String(hook.secret)].join(
      '\n',
    );
    expect(printed).not.toContain('env-secret-value');
    expect(printed).not.toContain('file-secret-value');
    expect(printed).toContain('[secret]');
  });

  it('says which environment variable is missing without printing any secret', () => {
    const problems = problemsOf('channels:\n  slack:\n    type: slack\n    url: ${SLACK_URL}\n', { OTHER: 'x' });
    expect(problems).toEqual(['config.yaml:4:10: channels.slack.url: environment variable SLACK_URL is not set']);
  });

  it('never echoes a literal secret in a type error', () => {
    const problems = problemsOf(
      'channels:\n  mail:\n    type: email\n    smtp: { host: smtp.example, port: "hunter2-password" }\n    from: a@b.c\n    to: [x@y.z]\n',
    );
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems[0]).toMatch(/^config\.yaml:4:\d+: channels\.mail\.smtp\.port: expected number/);
  });

  it('says when a required key is missing, at its parent', () => {
    const problems = problemsOf(
      'channels:\n  mail:\n    type: email\n    smtp: { host: smtp.example }\n    to: [x@y.z]\n',
    );
    expect(problems).toEqual([
      'config.yaml:3:5: channels.mail.from: is required (expected string, received undefined)',
    ]);
  });

  it('reads domain files with optional fields and merges severity overrides', () => {
    files['domains.txt'] =
      '# customers\nexample.nl selectors=s1,s2 tags=gold\n\nexample.org ips=192.0.2.7 # comment\nEXAMPLE.nl\n';
    const config = parseConfig(
      'checks:\n  severity: { tlsrpt.record: info }\ndomains:\n  - name: inline.example\n    severity: { tlsrpt.record: ignore }\ndomainFiles:\n  - path: domains.txt\n    tags: [bulk]\n',
      '/etc/mailwarden/config.yaml',
      { env: {}, readFile },
    );
    expect(config.domains).toEqual([
      {
        name: 'inline.example',
        dkimSelectors: [],
        spfSenderIps: [],
        tags: [],
        severity: { 'tlsrpt.record': 'ignore' },
      },
      {
        name: 'example.nl',
        dkimSelectors: ['s1', 's2'],
        spfSenderIps: [],
        tags: ['bulk', 'gold'],
        severity: { 'tlsrpt.record': 'info' },
      },
      {
        name: 'example.org',
        dkimSelectors: [],
        spfSenderIps: ['192.0.2.7'],
        tags: ['bulk'],
        severity: { 'tlsrpt.record': 'info' },
      },
    ]);
    expect(config.warnings).toEqual([
      'domains.txt:5: domain example.nl is listed more than once; the first entry is used',
    ]);
  });

  it('names the domain file and line of a bad entry', () => {
    files['bad.txt'] = 'good.example\nnot_a domain!\ngood.example ips=1.2.3\n';
    const problems = problemsOf('domainFiles: [bad.txt]\n');
    expect(problems).toEqual([
      'bad.txt:2: "not_a" is not a valid domain name: label "not_a" (letters, digits and inner hyphens only, at most 63)',
      'bad.txt:3: "1.2.3" is not an IP address',
    ]);
  });
});
