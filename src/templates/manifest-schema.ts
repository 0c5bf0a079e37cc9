import type { JSONSchemaType } from 'ajv';
import type { DeliveryMode, SmsSettings } from '../config/config.js';
import { smsSettingsSchema } from '../config/config-schema.js';

/** `template.yaml` as written, after schema defaults; overrides and checks come after. */
export interface ManifestFile {
  description: string;
  source?: string;
  to: string[];
  allowRecipientOverride: boolean;
  mediaUrl?: string;
  idempotencyKey?: string;
  delivery?: DeliveryMode;
  sms: SmsSettings;
  maxSegments: number;
  overflow: 'reject' | 'truncate';
  encoding: 'auto' | 'gsm7';
  topic?: { messageGroupId?: string; messageDeduplicationId?: string };
}

const expression = { type: 'string', minLength: 1, maxLength: 2000 } as const;

/**
 * The schema of `template.yaml`: unknown keys refused, defaults filled. maxSegments defaults to 6
 * (918 GSM-7 or 402 UCS-2 characters: room for a long alert, a ceiling on cost) and tops out at 10,
 * as in config overrides; SNS's 1,600 bytes hold about 10 parts.
 */
export const manifestSchema: JSONSchemaType<ManifestFile> = {
  type: 'object',
  properties: {
    description: { type: 'string', minLength: 1, maxLength: 500 },
    source: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', nullable: true },
    to: { type: 'array', items: expression, maxItems: 100, default: [] },
    allowRecipientOverride: { type: 'boolean', default: false },
    mediaUrl: { ...expression, nullable: true },
    idempotencyKey: { ...expression, nullable: true },
    delivery: { type: 'string', enum: ['queued', 'sync'], nullable: true },
    sms: {
      ...smsSettingsSchema,
      properties: {
        ...smsSettingsSchema.properties,
        smsType: { type: 'string', enum: ['Transactional', 'Promotional'], nullable: true, default: 'Transactional' },
      },
      default: {},
    },
    maxSegments: { type: 'integer', minimum: 1, maximum: 10, default: 6 },
    overflow: { type: 'string', enum: ['reject', 'truncate'], default: 'reject' },
    encoding: { type: 'string', enum: ['auto', 'gsm7'], default: 'auto' },
    topic: {
      type: 'object',
      properties: {
        messageGroupId: { ...expression, nullable: true },
        messageDeduplicationId: { ...expression, nullable: true },
      },
      additionalProperties: false,
      nullable: true,
    },
  },
  required: ['description', 'to', 'allowRecipientOverride', 'sms', 'maxSegments', 'overflow', 'encoding'],
  additionalProperties: false,
};
