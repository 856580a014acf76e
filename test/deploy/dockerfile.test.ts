/**
 * Docker cannot run here, so the container files are checked for what they promise: a non-root user, a state
 * volume that user owns (0700), a HEALTHCHECK on the loopback listener, one Node runtime, umask 077, no published
 * port for the unauthenticated HTTP surface.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dockerfile = readFileSync(resolve(import.meta.dirname, '../../deploy/Dockerfile'), 'utf8');
const compose = parse(readFileSync(resolve(import.meta.dirname, '../../deploy/compose.yaml'), 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
};
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('deploy/Dockerfile', () => {
  it('runs as a non-root user that owns the state volume, created 0700 before VOLUME', () => {
    expect(runtime).toMatch(/^USER mailwarden$/m);
    expect(runtime).toMatch(/install -d -o mailwarden -g mailwarden -m 0700 \/var\/lib\/mailwarden/);
    expect(runtime.indexOf('install -d')).toBeLessThan(runtime.indexOf('VOLUME ["/var/lib/mailwarden"]'));
    expect(runtime.indexOf('USER mailwarden')).toBeLessThan(runtime.indexOf('ENTRYPOINT'));
  });

  it('has a HEALTHCHECK against /healthz on loopback, with the one Node runtime of package.json', () => {
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["\/opt\/mailwarden\/node_modules\/\.bin\/node"/m);
    expect(runtime).toMatch(/MAILWARDEN_HEALTH_URL=http:\/\/127\.0\.0\.1:9110\/healthz/);
    expect(runtime).not.toMatch(/^FROM node:/m);
    const nodes = runtime.match(/\/[\w./-]*\bnode\b(?=["\s])/g) ?? [];
    expect(new Set(nodes)).toEqual(new Set(['/opt/mailwarden/node_modules/.bin/node']));
  });

  it('starts with umask 077 and keeps node as PID 1 (exec) for SIGTERM', () => {
    expect(runtime).toMatch(
      /ENTRYPOINT \["\/bin\/sh", "-c", "umask 077 && exec \/opt\/mailwarden\/node_modules\/\.bin\/node/,
    );
  });
});

describe('deploy/compose.yaml', () => {
  it('publishes no port of the unauthenticated HTTP surface and drops privileges', () => {
    const service = compose.services.mailwarden!;
    expect(service.ports).toBeUndefined();
    expect(service.cap_drop).toEqual(['ALL']);
    expect(service.read_only).toBe(true);
    expect(service.volumes).toContain('mailwarden-state:/var/lib/mailwarden');
  });
});
