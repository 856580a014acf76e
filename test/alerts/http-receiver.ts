import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered with. */
  status: number;
}

/** A loopback HTTP receiver whose answer status the test controls (500 for a while, then 200). */
export async function startHttpReceiver(): Promise<{
  url: string;
  requests: ReceivedRequest[];
  status: { code: number; body?: string; delayMs?: number };
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const status: { code: number; body?: string; delayMs?: number } = { code: 200 };
  const server = createServer((request, response) => {
    let body = '';
    // A sender killed mid-request resets the connection: not the receiver's error.
    request.on('error', () => {});
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body, status: status.code });
      const answer = () =>
        response
          .writeHead(status.code, { 'content-type': 'text/plain' })
          .end(status.body ?? (status.code === 200 ? 'ok' : 'broken'));
      if (status.delayMs) setTimeout(answer, status.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    status,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
