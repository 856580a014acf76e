import { parseDomainName } from './domain-name.ts';

/**
 * Why `text` is not an e-mail address, or undefined when it is one: `local@domain`, optionally as
 * `Display Name <local@domain>`. The domain follows the domain-name rules (IDN allowed).
 */
export function parseMailbox(text: string): string | undefined {
  const angle = /^[^<>]*<([^<>]*)>\s*$/.exec(text.trim());
  const address = (angle ? angle[1]! : text).trim();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return `"${text}" is not an e-mail address (expected name@example.nl)`;
  const local = address.slice(0, at);
  if (/[\s<>,;]/.test(local) || local.length > 64)
    return `"${text}" is not an e-mail address: the part before @ may not hold spaces, <, >, commas or semicolons`;
  const domain = parseDomainName(address.slice(at + 1));
  if (!domain.ok) return `"${text}" is not an e-mail address: its domain ${domain.problem.replace(/^"[^"]*" /, '')}`;
  return undefined;
}
