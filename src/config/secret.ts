import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

const HIDDEN = '[secret]';

/**
 * A value that must never reach a log line, an error message or a JSON dump. Its only way out is `reveal()`;
 * `String()`, `JSON.stringify`, `util.inspect` and template literals all print `[secret]`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}

/** Where a secret came from, for error messages: never the value itself. */
export type SecretResolution = { ok: true; secret: Secret } | { ok: false; problem: string };

/**
 * Resolves a secret as written in the configuration:
 * - `${NAME}` anywhere in the string is replaced by the environment variable NAME (an unset variable is an error);
 * - `file:/path/to/file` reads the file (trailing newline removed), like Docker/Kubernetes secrets;
 * - anything else is taken literally (allowed, but the example config never does it).
 */
export function resolveSecret(
  written: string,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): SecretResolution {
  if (written.startsWith('file:')) {
    const path = written.slice('file:'.length).trim();
    try {
      return { ok: true, secret: new Secret(readFile(path).replace(/\r?\n$/, '')) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { ok: false, problem: `secret file ${path} cannot be read (${code})` };
    }
  }
  const missing: string[] = [];
  const value = written.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name];
    if (found === undefined || found === '') missing.push(name);
    return found ?? '';
  });
  if (missing.length > 0) {
    return { ok: false, problem: `environment variable ${missing.join(', ')} is not set` };
  }
  return { ok: true, secret: new Secret(value) };
}
