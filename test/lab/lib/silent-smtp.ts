// A TCP listener that accepts connections and never says anything: the SMTP server whose banner never comes.
// Started by the lab as its own process: node silent-smtp.ts <address> <port>
import { createServer, type Socket } from 'node:net';

const [address, port] = process.argv.slice(2);
const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  socket.setTimeout(300_000, () => socket.destroy());
});
server.listen(Number(port), address, () => console.log(`silent SMTP listener on ${address}:${port}`));
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
});
