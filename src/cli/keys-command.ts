import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../http/api-key-ring.js';
import { UsageError, type CliIo, type ExitCode } from './cli-io.js';

export interface KeysOptions {
  readonly name?: string;
  readonly scopes?: string;
  readonly templates?: string;
}

const scopeNames = new Set(['send', 'read', 'admin']);

/**
 * `snsgate keys new`: makes a random key, prints it once (it is never stored) and the config entry
 * holding only its hash. `snsgate keys hash <key>` prints the hash of an existing key.
 */
export function keysCommand(action: string | undefined, arg: string | undefined, options: KeysOptions, io: CliIo): ExitCode {
  if (action === 'hash') {
    if (arg === undefined || arg === '') throw new UsageError('keys hash needs the key as an argument');
    io.out(`${hashApiKey(arg)}\n`);
    return 0;
  }
  if (action !== 'new') throw new UsageError('keys needs an action: new or hash');
  const name = options.name ?? 'app';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new UsageError('--name must be letters, digits, _ . - (up to 64)');
  const scopes = (options.scopes ?? 'send,read').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = scopes.find((s) => !scopeNames.has(s));
  if (bad !== undefined) throw new UsageError(`unknown scope ${bad}; use send, read, admin`);
  const templates = (options.templates ?? '*').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const key = `sgk_${randomBytes(32).toString('base64url')}`;
  io.out(
    [
      `API key (shown once; give it to the client, store it nowhere else):`,
      ``,
      `  ${key}`,
      ``,
      `Add to config/snsgate.yaml under api.keys, then reload (SIGHUP or POST /-/reload):`,
      ``,
      `  - name: ${name}`,
      `    hash: ${hashApiKey(key)}`,
      `    scopes: [${scopes.join(', ')}]`,
      `    templates: [${templates.map((t) => (t === '*' ? "'*'" : t)).join(', ')}]`,
      ``,
    ].join('\n'),
  );
  return 0;
}
