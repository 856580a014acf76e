/**
 * A self-signed certificate whose key was thrown away, used as the only CA of the probe's TLS context. With it,
 * `getPeerCertificate(true)` returns exactly the chain the server presented: with a real CA store Node appends the
 * store's root, which would make a DANE-TA record for an unpresented root look like a match. Trust is decided
 * afterwards by src/tls/chain-trust.ts.
 */
export const NO_TRUST_ANCHOR_PEM = `-----BEGIN CERTIFICATE-----
MIIBoTCCAUegAwIBAgIUXZOgYNMfpwFgEXV62i1ph/CqChAwCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwabWFpbHdhcmRlbiBubyB0cnVzdCBhbmNob3IwIBcNMjYxMTIy
MTA1MzEwWhgPMjEyNjEwMjkxMDUzMTBaMCUxIzAhBgNVBAMMGm1haWx3YXJkZW4g
bm8gdHJ1c3QgYW5jaG9yMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAET/03iT+/
WFeG5JY5fPGF8e7iTldGTXq1eRUO6brRU0A3e/pffVoAVfrQd7T0REY1nsBDYW7q
w5Wvqa919sm3pKNTMFEwHQYDVR0OBBYEFJmFR8jPPXNnE8IODi0ZJaJaVHWFMB8G
A1UdIwQYMBaAFJmFR8jPPXNnE8IODi0ZJaJaVHWFMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDSAAwRQIhAK+5Eh4FjY++QaA8URrJvtp0MgoxeMy+3n/YeFJp
XBoXAiAdYDP7vVqTPjILzM5PyLMQ6fj4aBfYeiBvV/k1ysZjgw==
-----END CERTIFICATE-----
`;
