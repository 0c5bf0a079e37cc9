import type { TemplateOverride } from '../config/config.js';
import { applyOverride, type RecipientSource } from './apply-override.js';
import type { CompiledTemplate, SourcePlace } from './compile-template.js';
import type { PluginParts } from './create-template-plugin.js';
import type { ManifestFile } from './manifest-schema.js';
import { isExpression, literalTarget, type RecipientSpec } from './recipient-spec.js';
import type { TemplateManifest } from './template-plugin.js';

/** Compiles a template source, recording its problem and returning undefined when it fails. */
export type Compile = (source: string, label: string, place: SourcePlace) => CompiledTemplate | undefined;

/** What compiling a manifest needs besides the manifest itself. */
export interface ManifestContext {
  readonly manifestFile: string;
  readonly configFile: string;
  readonly vars: NodeJS.ProcessEnv;
  readonly knownSources: readonly string[];
  readonly compile: Compile;
  readonly problems: string[];
}

/** The manifest-derived parts of a plugin. */
export type ManifestParts = Pick<PluginParts, 'manifest' | 'recipients' | 'mediaUrl' | 'idempotencyKey' | 'topic' | 'unconfigured'>;

type LineOf = (path: readonly (string | number)[]) => number | undefined;

function recipientSpecs(id: string, sources: readonly RecipientSource[], lineOf: LineOf, ctx: ManifestContext): RecipientSpec[] {
  const specs: RecipientSpec[] = [];
  for (const r of sources) {
    const place: SourcePlace = r.origin === 'manifest'
      ? { file: ctx.manifestFile, line: lineOf(['to', r.index]), context: `to[${r.index}]` }
      : { file: ctx.configFile, context: `templates.overrides.${id}.to[${r.index}]` };
    if (r.origin !== 'env' && isExpression(r.value)) {
      const template = ctx.compile(r.value, `to[${r.index}]`, place);
      if (template !== undefined) specs.push({ kind: 'expression', template });
      continue;
    }
    const target = literalTarget(r.value);
    if (target !== undefined) specs.push({ kind: 'literal', target });
    // Bad entries from the environment were reported by applyOverride, without echoing the value.
    else if (r.origin !== 'env') {
      ctx.problems.push(`${place.file}${place.line === undefined ? '' : `:${place.line}`}: ${place.context ?? 'to'}: not an E.164 number, an SNS topic ARN or a {{…}} expression`);
    }
  }
  return specs;
}

function toManifest(file: ManifestFile): TemplateManifest {
  const { topic, ...rest } = file;
  return topic === undefined ? rest : { ...rest, topic };
}

/**
 * Checks a schema-valid manifest against the config (its source must be known), applies the
 * deployment override and compiles every expression in it: recipients, mediaUrl, idempotencyKey,
 * FIFO topic ids. Problems go to `ctx.problems` with the file and line.
 */
export function compileManifest(id: string, file: ManifestFile, lineOf: LineOf, override: TemplateOverride | undefined, ctx: ManifestContext): ManifestParts {
  const source = file.source;
  if (source !== undefined && !ctx.knownSources.includes(source)) {
    const known = ctx.knownSources.length === 0 ? 'none are configured' : `known: ${ctx.knownSources.join(', ')}`;
    ctx.problems.push(`${ctx.manifestFile}:${lineOf(['source']) ?? 1}: source "${source}" is not a source in the config (${known})`);
  }
  const overridden = applyOverride(id, file, override, ctx.vars, ctx);
  ctx.problems.push(...overridden.problems);
  const manifest = overridden.manifest;
  const expression = (path: readonly [string] | readonly [string, string], value: string | undefined): CompiledTemplate | undefined => {
    const label = path.join('.');
    return value === undefined ? undefined : ctx.compile(value, label, { file: ctx.manifestFile, line: lineOf(path), context: label });
  };
  const mediaUrl = expression(['mediaUrl'], manifest.mediaUrl);
  const idempotencyKey = expression(['idempotencyKey'], manifest.idempotencyKey);
  const messageGroupId = expression(['topic', 'messageGroupId'], manifest.topic?.messageGroupId);
  const messageDeduplicationId = expression(['topic', 'messageDeduplicationId'], manifest.topic?.messageDeduplicationId);
  return {
    manifest: toManifest(manifest),
    recipients: recipientSpecs(id, overridden.recipients, lineOf, ctx),
    topic: {
      ...(messageGroupId === undefined ? {} : { messageGroupId }),
      ...(messageDeduplicationId === undefined ? {} : { messageDeduplicationId }),
    },
    unconfigured: overridden.unconfigured,
    ...(mediaUrl === undefined ? {} : { mediaUrl }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}
