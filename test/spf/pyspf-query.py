"""Cross-check peer: pyspf (Debian python3-spf) check_host against a given resolver.
usage: python3 pyspf-query.py <resolver-ip> <port> <ip> <sender> <helo>  → prints "<result> <explanation>"."""
import sys

import dns.resolver
import spf

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [sys.argv[1]]
resolver.port = int(sys.argv[2])
dns.resolver.default_resolver = resolver
result, explanation = spf.check2(i=sys.argv[3], s=sys.argv[4], h=sys.argv[5])
print(result, explanation)
