/**
 * A domain name as a person types or pastes it: IDN allowed (normalised to A-labels, `bücher.nl` →
 * `xn--bcher-kva.nl`), a trailing dot and upper case accepted; a URL, an e-mail address, spaces or empty labels
 * (`example..nl`) refused, with what was probably meant when that can be told.
 */
import { domainToASCII } from 'node:url';

export type DomainNameResult = { ok: true; name: string } | { ok: false; problem: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseDomainName(input: string): DomainNameResult {
  const text = input.trim();
  const refuse = (problem: string): DomainNameResult => ({ ok: false, problem });
  if (text === '') return refuse('is empty; expected a domain name such as example.nl');
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#\s]+)/i.exec(text);
  if (url) return refuse(`"${text}" is a URL, not a domain name; did you mean ${url[1]!.toLowerCase()}?`);
  if (/\s/.test(text)) return refuse(`"${text}" contains a space; a domain name has none`);
  if (text.includes('@')) {
    const domain = text.slice(text.lastIndexOf('@') + 1);
    return refuse(`"${text}" is an e-mail address, not a domain name; did you mean ${domain.toLowerCase()}?`);
  }
  if (text.includes('/')) return refuse(`"${text}" contains a "/"; did you mean ${text.split('/')[0]}?`);
  const bare = text.replace(/\.$/, '');
  if (bare.split('.').some((label) => label === ''))
    return refuse(`"${text}" has an empty label (two dots in a row, or a leading dot)`);
  const ascii = domainToASCII(bare);
  if (ascii === '') return refuse(`"${text}" is not a valid domain name (not even as an internationalised name)`);
  const bad = ascii.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined)
    return refuse(
      `"${text}" is not a valid domain name: label "${bad}" (letters, digits and inner hyphens only, at most 63)`,
    );
  if (ascii.length > 253) return refuse(`"${text}" is longer than 253 characters`);
  return { ok: true, name: ascii };
}
