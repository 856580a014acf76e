/**
 * URL validation for configuration values (Slack and webhook URLs). The problems never quote the URL: it may carry
 * a token (a Slack webhook path, credentials), and the message ends up in a terminal or a log.
 */

/** What is wrong with a URL that an alert is sent to; undefined when it is fine. */
export function urlProblem(text: string): string | undefined {
  if (text.trim() !== text || /\s/.test(text)) return 'expected a URL without spaces';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an absolute URL such as https://hooks.example.com/path';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `expected an http:// or https:// URL, got a ${url.protocol.replace(/:$/, '')}: URL`;
  }
  if (url.hostname === '') return 'expected a URL with a host name';
  if (url.hash !== '') return 'expected a URL without a #fragment (it is never sent)';
  return undefined;
}

/** RFC 9110 field-name (token): what may be an HTTP header name. */
export function headerNameProblem(name: string): string | undefined {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return `"${name}" is not a valid HTTP header name`;
  const reserved = ['content-type', 'content-length', 'host', 'idempotency-key', 'user-agent'];
  const lower = name.toLowerCase();
  if (reserved.includes(lower) || lower.startsWith('x-mailwarden-')) {
    return `header "${name}" is set by mailwarden itself`;
  }
  return undefined;
}

/** A header value may not break the request: no CR, LF or NUL. */
export function headerValueProblem(value: string): string | undefined {
  return /[\r\n\0]/.test(value) ? 'a header value may not contain line breaks' : undefined;
}
