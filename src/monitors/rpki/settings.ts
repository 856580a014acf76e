/** Where RPKI origin validation gets its data; both must be set, or the rpki monitor only says it is not configured. */
export interface RpkiSettings {
  /** A local validator's VRP export (rpki-client or Routinator JSON): a file path or an http(s) URL. */
  vrps?: string;
  /** IP-to-origin-AS: a file of `prefix AS` lines, or `dns:<zone4>[,<zone6>]` (Team Cymru–style TXT). */
  origins?: string;
}
