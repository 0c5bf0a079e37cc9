import type { Config, SchemeName, SourceConfig } from '../config/config.js';
import { resolveSecret, type ReadFile } from '../config/resolve-secret.js';
import type { Secret } from '../config/secret.js';
import { GatewayError, errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { SchemeOptionError } from './scheme-option-error.js';
import { schemes } from './schemes.js';
import type { SignatureScheme, VerifyResult, WebhookRequest } from './signature-scheme.js';
import { verifyFailure } from './verify-failure.js';

/** One configured source, ready to check requests. `configured: false` means it refuses every request. */
export interface SourceVerifier {
  readonly name: string;
  readonly scheme: SchemeName;
  readonly configured: boolean;
  verify(request: WebhookRequest): VerifyResult;
}

function parseOptions(name: string, scheme: SignatureScheme, source: SourceConfig): Record<string, unknown> {
  try {
    return scheme.parseOptions(source.options);
  } catch (err) {
    const key = err instanceof SchemeOptionError ? `sources.${name}.options.${err.option}` : `sources.${name}.options`;
    throw new GatewayError('SNSGATE_CONFIG_INVALID', `${key}: ${errorMessage(err)}`, { cause: err });
  }
}

interface UsableSecrets {
  readonly secrets: readonly Secret[];
  /** Why each other secret cannot be used: names the variable or file, never the value. */
  readonly problems: readonly string[];
}

// A secret that resolves but that the scheme cannot use (bad base64, no "user:password") is treated
// like a missing one: one source's bad secret must not stop the gateway, and must never fail open.
function usableSecrets(scheme: SignatureScheme, source: SourceConfig, options: Record<string, unknown>, env: NodeJS.ProcessEnv, readFile?: ReadFile): UsableSecrets {
  const secrets: Secret[] = [];
  const problems: string[] = [];
  for (const ref of source.secrets) {
    const resolved = resolveSecret(ref, env, readFile);
    if (!resolved.ok) {
      problems.push(resolved.why);
      continue;
    }
    try {
      scheme.create({ secrets: [resolved.secret], toleranceSeconds: source.toleranceSeconds, options });
      secrets.push(resolved.secret);
    } catch (err) {
      problems.push(`the ${resolved.from} ${errorMessage(err).replace(/^secret /, 'value ')}`);
    }
  }
  return { secrets, problems };
}

function refuseAll(name: string, scheme: SchemeName, problems: readonly string[]): SourceVerifier {
  const failure = verifyFailure(
    'secret_not_configured',
    `source ${name} has no usable secret (${problems.join('; ')}); it refuses every request until one is configured`,
  );
  return { name, scheme, configured: false, verify: () => failure };
}

/**
 * A verifier for each configured source. Invalid scheme options throw `SNSGATE_CONFIG_INVALID`
 * naming `sources.<name>.options.<key>`. A source with no usable secret never fails open: it is
 * `configured: false` and answers `secret_not_configured`; unusable secrets are logged once, by
 * where they come from, never by value.
 */
export function createSourceVerifiers(
  sources: Config['sources'],
  env: NodeJS.ProcessEnv,
  logger: Logger,
  readFile?: ReadFile,
): ReadonlyMap<string, SourceVerifier> {
  const verifiers = new Map<string, SourceVerifier>();
  for (const [name, source] of Object.entries(sources)) {
    const scheme = schemes[source.scheme] as SignatureScheme | undefined;
    if (scheme === undefined) {
      throw new GatewayError('SNSGATE_CONFIG_INVALID', `sources.${name}.scheme: unknown scheme ${source.scheme}`);
    }
    const options = parseOptions(name, scheme, source);
    const { secrets, problems } = usableSecrets(scheme, source, options, env, readFile);
    if (secrets.length === 0) {
      logger.warn(`source ${name} refuses every request: ${problems.join('; ')}`, { source: name, scheme: source.scheme });
      verifiers.set(name, refuseAll(name, source.scheme, problems));
      continue;
    }
    if (problems.length > 0) {
      logger.warn(`source ${name} ignores ${problems.length} of ${source.secrets.length} secrets: ${problems.join('; ')}`, {
        source: name,
        scheme: source.scheme,
      });
    }
    const verifier = scheme.create({ secrets, toleranceSeconds: source.toleranceSeconds, options });
    verifiers.set(name, { name, scheme: source.scheme, configured: true, verify: (request) => verifier.verify(request) });
  }
  return verifiers;
}
