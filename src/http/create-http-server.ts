import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config/config.js';

/** A listening HTTP server and its graceful close. */
export interface HttpServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting, lets in-flight requests finish, and resolves `true` when they did within
   * `timeoutMs`; otherwise cuts the remaining connections and resolves `false`.
   */
  close(timeoutMs: number): Promise<boolean>;
}

/**
 * Listens with timeouts set so slow clients cannot hold sockets: headers within
 * `headersTimeoutMs`, the whole request within `requestTimeoutMs`, idle keep-alive `keepAliveTimeoutMs`.
 */
export async function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: Pick<Config['server'], 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'> & {
    port: number;
    host: string;
  },
): Promise<HttpServer> {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval; keep it well below them.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(options.headersTimeoutMs / 4))),
    },
    (req, res) => {
      // Koa's callback answers its own errors; nothing is left to catch here.
      void handler(req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    server,
    port,
    close: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        // Keep-alive sockets go idle as their last response ends; close each as soon as it does.
        const reaper = setInterval(() => server.closeIdleConnections(), 50);
        const timer = setTimeout(() => {
          clearInterval(reaper);
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        server.close(() => {
          clearInterval(reaper);
          clearTimeout(timer);
          resolve(true);
        });
        server.closeIdleConnections();
      }),
  };
}
