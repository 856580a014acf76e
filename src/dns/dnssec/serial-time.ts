/**
 * RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5, RFC 1982): compare them with serial arithmetic, and map
 * them to absolute times as the instant closest to "now" that has the same value modulo 2^32.
 */
const MODULUS = 2 ** 32;
const HALF = 2 ** 31;

/** Negative when a is before b, positive when after, 0 when equal (RFC 1982 §3.2; the undefined case counts as after). */
export function serialCompare(a: number, b: number): number {
  if (a === b) return 0;
  const difference = (((a - b) % MODULUS) + MODULUS) % MODULUS;
  return difference < HALF ? 1 : -1;
}

/** The absolute instant (seconds since the epoch) for a serial time, taken within ±68 years of `nowSeconds`. */
export function serialToEpochSeconds(serial: number, nowSeconds: number): number {
  const nowSerial = ((Math.floor(nowSeconds) % MODULUS) + MODULUS) % MODULUS;
  let difference = (((serial - nowSerial) % MODULUS) + MODULUS) % MODULUS;
  if (difference >= HALF) difference -= MODULUS;
  return Math.floor(nowSeconds) + difference;
}

export type WindowState = 'valid' | 'expired' | 'not-yet-valid';

/** Whether `now` lies within [inception - skew, expiration + skew], in serial arithmetic. */
export function signatureWindow(
  inception: number,
  expiration: number,
  nowSeconds: number,
  skewSeconds: number,
): WindowState {
  const now = ((Math.floor(nowSeconds) % MODULUS) + MODULUS) % MODULUS;
  const early = (now + skewSeconds) % MODULUS;
  const late = (((now - skewSeconds) % MODULUS) + MODULUS) % MODULUS;
  if (serialCompare(early, inception) < 0) return 'not-yet-valid';
  if (serialCompare(late, expiration) > 0) return 'expired';
  return 'valid';
}
