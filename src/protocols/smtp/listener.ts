/** Starting and stopping an smtp-server listener; port 0 gives a free port, reported back. */
import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';

export interface SmtpListener {
  name: string;
  server: SMTPServer;
  port: number;
  close(): Promise<void>;
}

export function listen(name: string, server: SMTPServer, host: string, port: number): Promise<SmtpListener> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(port, host, () => {
      server.server.off('error', onError);
      const actual = (server.server.address() as AddressInfo).port;
      resolve({ name, server, port: actual, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}
