import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from '../../src/daemon/logger.ts';

function logged(format: LogFormat, tty: boolean): string {
  const sink = new PassThrough();
  Object.assign(sink, { isTTY: tty });
  let text = '';
  sink.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const logger = createLogger('info', sink, format);
  logger.info({ channel: 'ops' }, 'example.nl regressed\n  dmarc.policy: ok → fail');
  logger.flush();
  return text;
}

describe('the log', () => {
  it('is readable on a terminal: the level in words and the line breaks of a message kept', () => {
    const text = logged('auto', true).replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/INFO.*: example\.nl regressed\n {2}dmarc\.policy: ok → fail\n/);
    expect(text).toMatch(/channel: "ops"/);
    expect(text).not.toMatch(/^\{/);
  });

  it('is JSON lines when it does not go to a terminal, or when asked', () => {
    for (const text of [logged('auto', false), logged('json', true)]) {
      const line = JSON.parse(text.trim()) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 30, service: 'mailwarden', channel: 'ops' });
      expect(line.msg).toBe('example.nl regressed\n  dmarc.policy: ok → fail');
    }
  });

  it('is readable when asked even off a terminal (and then without colour codes)', () => {
    const text = logged('pretty', false);
    expect(text).toMatch(/INFO: example\.nl regressed/);
    expect(text).not.toMatch(/\u001b\[/);
  });
});
