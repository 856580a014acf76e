/** Fake DNS servers and resolvers a test opens, all closed after each test of the file that calls this. */
import { afterEach } from 'vitest';
import { createResolver, type Resolver, type ResolverOptions } from '../../src/dns/resolver.ts';
import { type FakeServer, type Handler, startFakeServer } from './fake-server.ts';

export interface PerTest {
  fakeServer(handler: Handler): Promise<FakeServer>;
  resolver(options: ResolverOptions): Resolver;
}

export function closedAfterEach(): PerTest {
  const servers: FakeServer[] = [];
  const resolvers: Resolver[] = [];
  afterEach(async () => {
    for (const resolver of resolvers.splice(0)) resolver.close();
    for (const server of servers.splice(0)) await server.close();
  });
  return {
    async fakeServer(handler) {
      const started = await startFakeServer(handler);
      servers.push(started);
      return started;
    },
    resolver(options) {
      const created = createResolver(options);
      resolvers.push(created);
      return created;
    },
  };
}
