import { resolveSecret } from '../config/resolve-secret.js';
import { errorMessage } from '../errors.js';
import { signWebhookRequest } from '../verify/sign-webhook-request.js';
import { loadCliConfig, loadCliTemplates, type CheckOptions } from './check-command.js';
import { readInputFile, type CliIo, type ExitCode } from './cli-io.js';

export interface SignOptions extends CheckOptions {
  readonly template: string;
  readonly url: string;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `snsgate sign --template <id> <payload.json>`: signs the file as the template's source would (with
 * the secret from the source's own variable or file) and prints a ready curl command.
 */
export async function signCommand(payloadPath: string, options: SignOptions, io: CliIo): Promise<ExitCode> {
  try {
    const config = loadCliConfig(options, io.env);
    const templates = await loadCliTemplates(config, io.env);
    const template = templates.get(options.template);
    const sourceName = template?.manifest.source;
    const source = sourceName === undefined ? undefined : config.sources[sourceName];
    if (template === undefined || sourceName === undefined || source === undefined) {
      io.err(`template ${options.template} is unknown or takes no webhooks (API-only); nothing to sign\n`);
      return 1;
    }
    const [first] = source.secrets;
    const secret = first === undefined ? undefined : resolveSecret(first, io.env);
    if (secret === undefined || !secret.ok) {
      io.err(`source ${sourceName} has no usable secret: ${secret?.ok === false ? secret.why : 'none configured'}\n`);
      return 1;
    }
    const body = readInputFile(payloadPath);
    const headers = signWebhookRequest({ source, secret: secret.secret.reveal(), body, now: new Date() });
    const url = `${options.url.replace(/\/+$/, '')}/webhooks/${template.id}`;
    const lines = [
      `curl -sS -X POST ${shellQuote(url)}`,
      `  -H 'Content-Type: application/json'`,
      ...Object.entries(headers).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
      `  --data-binary @${shellQuote(payloadPath)}`,
    ];
    io.out(`${lines.join(' \\\n')}\n`);
    return 0;
  } catch (err) {
    io.err(`${errorMessage(err)}\n`);
    return 1;
  }
}
