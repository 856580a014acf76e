import { isIP } from 'node:net';
import { z } from 'zod';
import type { Secret } from './secret.ts';

/** `127.0.0.1:9110`, `[::1]:9110`: the HTTP listener's address. An IP is required, so nothing binds by accident. */
const listenAddress = z.string().refine(
  (text) => {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
    return match !== null && isIP(match[1]!) !== 0 && Number(match[2]) >= 0 && Number(match[2]) <= 65535;
  },
  { message: 'expected IP:PORT, e.g. 127.0.0.1:9110 (0.0.0.0:9110 exposes it on every interface)' },
);

const publicUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://mailwarden.example.nl' })
  .transform((text) => text.replace(/\/+$/, ''));

/**
 * The `http:` section: the listener (/metrics, /healthz, /api) off unless `listen` is set; the dashboard and reports
 * off unless `dashboard: true`; `auth` required for the dashboard on any address but loopback (checked at start).
 */
export function httpSchema(secret: z.ZodType<Secret, string>) {
  return z
    .strictObject({
      listen: listenAddress.optional(),
      /** Where users reach the dashboard (behind a proxy, perhaps): the base of links in alerts. */
      publicUrl: publicUrl.optional(),
      dashboard: z.boolean().default(false),
      auth: z
        .strictObject({
          /** `Authorization: Bearer <token>`. */
          token: secret.optional(),
          /** `Authorization: Basic` with this user and password. */
          basic: z.strictObject({ user: z.string().min(1), password: secret }).optional(),
          /** A reverse proxy that authenticates users and names them in a header; trusted only from these addresses. */
          trustedProxy: z
            .strictObject({
              header: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected a header name, e.g. X-Remote-User'),
              from: z.array(z.string().refine((ip) => isIP(ip) !== 0, 'expected an IP address')).min(1),
            })
            .optional(),
        })
        .optional(),
    })
    .superRefine((http, ctx) => {
      const host = http.listen === undefined ? undefined : /^\[?([^\]]+?)\]?:\d+$/.exec(http.listen)?.[1];
      const loopback = host !== undefined && (host.startsWith('127.') || host === '::1');
      const auth = http.auth;
      const hasAuth = auth !== undefined && (auth.token ?? auth.basic ?? auth.trustedProxy) !== undefined;
      if (http.dashboard && host !== undefined && !loopback && !hasAuth) {
        ctx.addIssue({
          code: 'custom',
          path: ['dashboard'],
          message:
            `the dashboard on ${http.listen} (not loopback) needs http.auth: a token, basic credentials or a ` +
            'trustedProxy; or listen on 127.0.0.1 / [::1]',
        });
      }
    })
    .prefault({});
}
