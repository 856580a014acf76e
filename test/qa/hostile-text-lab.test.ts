import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceZone, restoreZone } from '../lab/control.ts';
import { labFlags, runCli } from './qa-cli.ts';

const ZONE = 'qa-hostile.test';
const ESC = '\\027';
const RLO = '\\226\\128\\174'; // U+202E in UTF-8, as zone-file decimal escapes

// DNS text that tries to rewrite the terminal: colour/clear-screen escapes, a fake line, a right-to-left override
beforeAll(async () => {
  await replaceZone(
    ZONE,
    [
      '@ MX 0 .',
      `@ TXT "v=spf1 include:${ESC}[2Jevil.test -all"`,
      `_dmarc TXT "v=DMARC1; p=none; rua=mailto:x@${ESC}[31mred.test\\010\\013\\010FAKE  OK  line; foo=${RLO}txet"`,
      `_smtp._tls TXT "v=TLSRPTv1; rua=http://${ESC}]0;title${'\\007'}.test"`,
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await restoreZone(ZONE);
}, 120_000);

describe('hostile DNS text in the table output (real lab)', () => {
  it('prints no terminal escape, control or bidi character, and no injected line', async () => {
    const run = await runCli(['check', ZONE, ...labFlags(), '--checks', 'mx,spf,dmarc,tlsrpt']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('qa-hostile.test');
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(run.stdout.split('\n').some((line) => /^\s*FAKE/.test(line))).toBe(false);
    expect(run.stdout).toMatch(/dmarc\.(record|reporting)/);
  });
});
