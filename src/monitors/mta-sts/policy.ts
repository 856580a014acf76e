import { parsePolicy } from 'mailauth/lib/mta-sts.js';

export interface StsPolicy {
  version: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAge: number;
}

export type PolicyParse = { ok: true; policy: StsPolicy } | { ok: false; reason: string };

/** RFC 8461 §3.2 policy text, parsed by mailauth (version, mode, mx, max_age checks). */
export function parseStsPolicy(body: string): PolicyParse {
  try {
    const parsed = parsePolicy(body) as { version?: string; mode?: string; mx?: string[]; maxAge?: number };
    return {
      ok: true,
      policy: {
        version: parsed.version ?? '',
        mode: (parsed.mode ?? 'none') as StsPolicy['mode'],
        mx: parsed.mx ?? [],
        maxAge: parsed.maxAge ?? 0,
      },
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
