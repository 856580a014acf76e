/**
 * The systemd unit is hardened: `systemd-analyze security --offline=yes` rates it at most 2.0 ("OK"). The lab
 * installs Debian's systemd package for systemd-analyze; on a machine without it the test says so and skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const UNIT = resolve(import.meta.dirname, '../../deploy/mailwarden.service');
const ANALYZE = '/usr/bin/systemd-analyze';
const available = existsSync(ANALYZE);
if (!available) console.warn(`skipping the systemd unit rating: ${ANALYZE} is missing (apt-get install systemd)`);

describe('deploy/mailwarden.service', () => {
  it.skipIf(!available)('rates at most 2.0 (OK) in systemd-analyze security --offline=yes', async () => {
    const { stdout } = await promisify(execFile)(ANALYZE, ['security', '--offline=yes', '--no-pager', UNIT]);
    const overall = /Overall exposure level for mailwarden\.service: ([0-9.]+) (\w+)/.exec(stdout);
    expect(overall, stdout).not.toBeNull();
    expect(Number(overall![1])).toBeLessThanOrEqual(2.0);
    expect(overall![2]).toBe('OK');
  });

  it('keeps what mailwarden needs: network, its state directory, private files, and V8 JIT', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(unit).toMatch(/^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$/m);
    expect(unit).toMatch(/^StateDirectory=mailwarden$/m);
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^UMask=0077$/m);
    expect(unit).not.toMatch(/^PrivateNetwork=(yes|true)/m);
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=(yes|true)/m);
    expect(unit).not.toMatch(/^IPAddressDeny=/m);
  });
});
