/**
 * Text from DNS and remote servers (TXT records, banners, certificate names) is hostile. Every renderer passes every
 * such string through the escaper of its medium, and nothing else.
 */

/** Slack mrkdwn: `&`, `<`, `>` are the only control characters (they form <!channel>, <@U123>, <url|label>). */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** For inside a Slack `code span`: a backtick would end the span, so it becomes a look-alike. */
export function escapeSlackCode(text: string): string {
  return escapeSlack(text.replace(/`/g, '\u02cb').replace(/\r?\n/g, ' '));
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An e-mail header value: no CR/LF (header injection) or other control characters, bounded length. */
export function escapeHeader(text: string, maxLength = 200): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/** Shortens long hostile text (a 4 kB TXT record) before any escaping. */
export function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
