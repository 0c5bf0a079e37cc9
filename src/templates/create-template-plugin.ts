import { GatewayError, type FieldError } from '../errors.js';
import type { PublishTarget } from '../publish/publisher.js';
import type { CompiledTemplate } from './compile-template.js';
import type { RecipientSpec } from './recipient-spec.js';
import { renderText, type TextParts } from './render-text.js';
import { phoneTargets, resolveRecipients, type FifoSettings } from './resolve-recipients.js';
import type { RenderOptions, RenderResult, TemplateExample, TemplateManifest, TemplatePlugin } from './template-plugin.js';
import { toPlainData } from './to-plain-data.js';

/** Everything a plugin is built from, all checked and compiled by the loader. */
export interface PluginParts extends TextParts {
  readonly dir: string;
  readonly manifest: TemplateManifest;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly validate: (payload: unknown) => FieldError[];
  readonly recipients: readonly RecipientSpec[];
  readonly idempotencyKey?: CompiledTemplate;
  readonly topic: Pick<FifoSettings, 'messageGroupId' | 'messageDeduplicationId'>;
  /** Why there are no recipients, when the manifest and config give none. */
  readonly unconfigured: string;
}

/** The idempotency expression over plain data; undefined when there is none or it renders empty. */
export function evaluateIdempotencyKey(parts: Pick<PluginParts, 'idempotencyKey'>, data: unknown): string | undefined {
  const key = parts.idempotencyKey?.render(data).trim();
  return key === undefined || key === '' ? undefined : key;
}

/** The targets for plain data, with FIFO ids; options.recipients (checked by the caller) win. */
export function targetsFor(parts: PluginParts, data: unknown, recipients?: readonly string[]): PublishTarget[] {
  if (recipients !== undefined) return phoneTargets(recipients);
  const fifo: FifoSettings = {
    ...parts.topic,
    defaultGroupId: parts.id,
    defaultDeduplicationId: (d) => evaluateIdempotencyKey(parts, d),
  };
  return resolveRecipients(parts.recipients, data, fifo);
}

function recipientsOf(parts: PluginParts, data: unknown, options: RenderOptions): PublishTarget[] {
  if (options.recipients !== undefined && !parts.manifest.allowRecipientOverride) {
    throw new GatewayError('SNSGATE_AUTH_FORBIDDEN', `template ${parts.id} does not allow replacing its recipients (allowRecipientOverride: false)`);
  }
  if (options.recipients === undefined && parts.recipients.length === 0) {
    throw new GatewayError('SNSGATE_TEMPLATE_UNCONFIGURED', parts.unconfigured, { reason: 'no_recipients' });
  }
  const targets = targetsFor(parts, data, options.recipients);
  if (targets.length === 0) {
    const from = options.recipients === undefined ? 'its "to" expressions gave none for this payload' : 'none were given';
    throw new GatewayError('SNSGATE_RECIPIENT_INVALID', `template ${parts.id}: no recipient: ${from}`, { reason: 'no_recipients' });
  }
  return targets;
}

/**
 * A loaded plugin. render() works on a plain deep copy of the payload, so prototype tricks in the
 * data never reach Handlebars; it does not validate (the pipeline calls validate first) nor check
 * phone numbers (the guard stage does). One message per recipient, all with the same text.
 */
export function createTemplatePlugin(parts: PluginParts, examples: readonly TemplateExample[]): TemplatePlugin {
  const { id, dir, manifest, schema } = parts;
  return {
    id,
    dir,
    manifest,
    schema,
    examples,
    validate: (payload) => parts.validate(payload),
    render(payload: unknown, options: RenderOptions = {}): RenderResult {
      const data = toPlainData(payload);
      const text = renderText(parts, data);
      const targets = recipientsOf(parts, data, options);
      const { warnings, ...message } = text;
      return {
        messages: targets.map((target) => ({
          target,
          text: message.text,
          ...(message.mediaUrl === undefined ? {} : { mediaUrl: message.mediaUrl }),
          sms: message.sms,
          attributes: manifest.sms,
          truncated: message.truncated,
        })),
        warnings,
      };
    },
    idempotencyKey: (payload) => evaluateIdempotencyKey(parts, toPlainData(payload)),
  };
}
