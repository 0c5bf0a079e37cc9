import type { DeliveryMode, SmsSettings } from '../config/config.js';
import type { FieldError } from '../errors.js';
import type { PublishTarget } from '../publish/publisher.js';
import type { SmsInfo } from '../sms/sms-info.js';

/** `templates/<id>/template.yaml`, after validation, defaults and config overrides. */
export interface TemplateManifest {
  readonly description: string;
  /** The config source whose scheme authenticates `POST /webhooks/<id>`; absent for API-only templates. */
  readonly source?: string;
  /** Recipients: E.164 numbers, Handlebars expressions over the payload, or a topic ARN. */
  readonly to: readonly string[];
  /** Whether API callers may replace the recipients (header `Snsgate-To`). */
  readonly allowRecipientOverride: boolean;
  /** Handlebars expression of the media URL appended to the text. */
  readonly mediaUrl?: string;
  /** Handlebars expression of the idempotency key; default: the signature scheme's delivery id. */
  readonly idempotencyKey?: string;
  readonly delivery?: DeliveryMode;
  readonly sms: SmsSettings;
  readonly maxSegments: number;
  readonly overflow: 'reject' | 'truncate';
  readonly encoding: 'auto' | 'gsm7';
  /** FIFO topics: expressions of the message group id and deduplication id. */
  readonly topic?: { readonly messageGroupId?: string; readonly messageDeduplicationId?: string };
}

/** One rendered SMS for one recipient. */
export interface RenderedMessage {
  readonly target: PublishTarget;
  /** The whole text as it will be sent: body, then `\n` and the media URL when there is one. */
  readonly text: string;
  readonly mediaUrl?: string;
  readonly sms: SmsInfo;
  /** SMS settings with defaults applied (`smsType` Transactional unless set). */
  readonly attributes: SmsSettings;
  readonly truncated: boolean;
}

export interface RenderResult {
  readonly messages: readonly RenderedMessage[];
  /** For preview: for example "UCS-2 forced by ’ (U+2019)", "3 segments". */
  readonly warnings: readonly string[];
}

export interface RenderOptions {
  /** Replaces the manifest's recipients (API sends, where the template allows it). */
  readonly recipients?: readonly string[];
}

/** An example payload shipped in `examples/`, for `GET /v1/templates/:id` and `snsgate check`. */
export interface TemplateExample {
  readonly name: string;
  readonly valid: boolean;
  readonly payload: unknown;
  readonly expectedText?: string;
}

/** A loaded, fully checked template plugin. */
export interface TemplatePlugin {
  readonly id: string;
  readonly dir: string;
  readonly manifest: TemplateManifest;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly examples: readonly TemplateExample[];
  /** Every schema violation (bounded), each with its JSON pointer; empty when the payload is valid. */
  validate(payload: unknown): readonly FieldError[];
  /** Renders one message per recipient; throws SNSGATE_RENDER_FAILED or SNSGATE_MESSAGE_TOO_LONG. */
  render(payload: unknown, options?: RenderOptions): RenderResult;
  /** The manifest's idempotency expression evaluated over the payload, when it has one. */
  idempotencyKey(payload: unknown): string | undefined;
}

/** The loaded plugins, by id. */
export interface TemplateSet {
  get(id: string): TemplatePlugin | undefined;
  list(): readonly TemplatePlugin[];
}
