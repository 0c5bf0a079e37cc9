import type { JSONSchemaType } from 'ajv';
import type {
  ApiKeyConfig,
  Config,
  SecretRef,
  SmsSettings,
  SourceConfig,
  TemplateOverride,
  WindowLimit,
} from './config.js';

const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;

/** A `{ env: NAME }` or `{ file: /path }` reference; inline secrets are refused. */
export const secretRefSchema: JSONSchemaType<SecretRef> = {
  type: 'object',
  properties: {
    env: { ...envName, nullable: true },
    file: { type: 'string', minLength: 1, nullable: true },
  },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};

const windowLimit = (points: number, durationSeconds: number): JSONSchemaType<WindowLimit> => ({
  type: 'object',
  properties: {
    points: { type: 'integer', minimum: 0, default: points },
    durationSeconds: { type: 'integer', minimum: 1, default: durationSeconds },
  },
  required: ['points', 'durationSeconds'],
  additionalProperties: false,
  default: { points, durationSeconds },
});

const optionalWindowLimit: JSONSchemaType<WindowLimit> & { nullable: true } = {
  type: 'object',
  nullable: true,
  properties: {
    points: { type: 'integer', minimum: 0 },
    durationSeconds: { type: 'integer', minimum: 1 },
  },
  required: ['points', 'durationSeconds'],
  additionalProperties: false,
};

const deliveryMode = { type: 'string', enum: ['queued', 'sync'], nullable: true } as const;

export const smsSettingsSchema: JSONSchemaType<SmsSettings> = {
  type: 'object',
  properties: {
    smsType: { type: 'string', enum: ['Transactional', 'Promotional'], nullable: true },
    senderId: { type: 'string', pattern: '^(?=.*[A-Za-z])[A-Za-z0-9-]{3,11}$', nullable: true },
    originationNumber: { type: 'string', pattern: '^\\+?[0-9]{5,14}$', nullable: true },
    maxPrice: { type: 'number', exclusiveMinimum: 0, nullable: true },
    entityId: { type: 'string', minLength: 1, maxLength: 50, nullable: true },
    templateId: { type: 'string', minLength: 1, maxLength: 50, nullable: true },
  },
  additionalProperties: false,
};

const sourceSchema: JSONSchemaType<SourceConfig> = {
  type: 'object',
  properties: {
    scheme: {
      type: 'string',
      enum: ['standard-webhooks', 'github', 'shopify', 'stripe', 'slack', 'grafana', 'hmac', 'bearer', 'basic'],
    },
    secrets: { type: 'array', items: secretRefSchema, minItems: 1 },
    toleranceSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 300 },
    options: { type: 'object', required: [], default: {} },
    delivery: deliveryMode,
    rateLimit: optionalWindowLimit,
  },
  required: ['scheme', 'secrets', 'toleranceSeconds', 'options'],
  additionalProperties: false,
};

const templateOverrideSchema: JSONSchemaType<TemplateOverride> = {
  type: 'object',
  properties: {
    to: { type: 'array', items: { type: 'string', minLength: 1 }, nullable: true },
    toEnv: { ...envName, nullable: true },
    sms: { ...smsSettingsSchema, nullable: true },
    delivery: deliveryMode,
    maxSegments: { type: 'integer', minimum: 1, maximum: 10, nullable: true },
    overflow: { type: 'string', enum: ['reject', 'truncate'], nullable: true },
    encoding: { type: 'string', enum: ['auto', 'gsm7'], nullable: true },
    enabled: { type: 'boolean', nullable: true },
  },
  additionalProperties: false,
};

const apiKeySchema: JSONSchemaType<ApiKeyConfig> = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
    hash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$', nullable: true },
    key: { ...secretRefSchema, nullable: true },
    scopes: {
      type: 'array',
      items: { type: 'string', enum: ['send', 'read', 'admin'] },
      uniqueItems: true,
      default: ['send', 'read'],
    },
    templates: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, default: ['*'] },
    rateLimit: optionalWindowLimit,
  },
  required: ['name', 'scopes', 'templates'],
  oneOf: [{ required: ['hash'] }, { required: ['key'] }],
  additionalProperties: false,
};

const section = <T>(schema: JSONSchemaType<T>): JSONSchemaType<T> => ({ ...schema, default: {} });

/** The JSON Schema of `config/snsgate.yaml`: unknown keys fail; defaults live here. */
export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  properties: {
    server: section({
      type: 'object',
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
        host: { type: 'string', default: '0.0.0.0' },
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 16777216, default: 262144 },
        headersTimeoutMs: { type: 'integer', minimum: 100, default: 15000 },
        requestTimeoutMs: { type: 'integer', minimum: 100, default: 30000 },
        keepAliveTimeoutMs: { type: 'integer', minimum: 100, default: 5000 },
        shutdownTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        trustProxy: { type: 'boolean', default: false },
      },
      required: [
        'port',
        'host',
        'bodyLimitBytes',
        'headersTimeoutMs',
        'requestTimeoutMs',
        'keepAliveTimeoutMs',
        'shutdownTimeoutMs',
        'trustProxy',
      ],
      additionalProperties: false,
    }),
    log: section({
      type: 'object',
      properties: { level: { type: 'string', enum: ['error', 'warn', 'info', 'debug'], default: 'info' } },
      required: ['level'],
      additionalProperties: false,
    }),
    metrics: section({
      type: 'object',
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535, nullable: true },
        token: { ...secretRefSchema, nullable: true },
      },
      additionalProperties: false,
    }),
    templates: section({
      type: 'object',
      properties: {
        dirs: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, default: ['templates'] },
        overrides: {
          type: 'object',
          additionalProperties: templateOverrideSchema,
          required: [],
          default: {},
        },
      },
      required: ['dirs', 'overrides'],
      additionalProperties: false,
    }),
    sources: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
      additionalProperties: sourceSchema,
      required: [],
      default: {},
    },
    publisher: section({
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['dry-run', 'sns'], default: 'dry-run' },
        sns: section({
          type: 'object',
          properties: {
            connectionTimeoutMs: { type: 'integer', minimum: 1, default: 1000 },
            requestTimeoutMs: { type: 'integer', minimum: 1, default: 3000 },
            callTimeoutMs: { type: 'integer', minimum: 1, default: 5000 },
            maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
            retryMode: { type: 'string', enum: ['standard', 'adaptive'], default: 'standard' },
            maxSockets: { type: 'integer', minimum: 1, default: 64 },
          },
          required: ['connectionTimeoutMs', 'requestTimeoutMs', 'callTimeoutMs', 'maxAttempts', 'retryMode', 'maxSockets'],
          additionalProperties: false,
        }),
        breaker: section({
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: true },
            timeoutMs: { type: 'integer', minimum: 1, default: 6000 },
            errorThresholdPercentage: { type: 'number', minimum: 1, maximum: 100, default: 50 },
            volumeThreshold: { type: 'integer', minimum: 1, default: 10 },
            resetTimeoutMs: { type: 'integer', minimum: 100, default: 30000 },
            rollingWindowMs: { type: 'integer', minimum: 1000, default: 10000 },
          },
          required: ['enabled', 'timeoutMs', 'errorThresholdPercentage', 'volumeThreshold', 'resetTimeoutMs', 'rollingWindowMs'],
          additionalProperties: false,
        }),
        rateLimit: section({
          type: 'object',
          properties: {
            messagesPerSecond: { type: 'number', minimum: 0, default: 20 },
            burst: { type: 'integer', minimum: 1, default: 20 },
          },
          required: ['messagesPerSecond', 'burst'],
          additionalProperties: false,
        }),
        optOut: section({
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: false },
            cacheTtlSeconds: { type: 'integer', minimum: 1, default: 3600 },
            cacheSize: { type: 'integer', minimum: 1, default: 10000 },
          },
          required: ['enabled', 'cacheTtlSeconds', 'cacheSize'],
          additionalProperties: false,
        }),
      },
      required: ['kind', 'sns', 'breaker', 'rateLimit', 'optOut'],
      additionalProperties: false,
    }),
    store: section({
      type: 'object',
      properties: {
        url: { type: 'string', pattern: '^(sqlite:|postgres://|postgresql://)', default: 'sqlite:data/snsgate.db' },
        retentionDays: { type: 'integer', minimum: 1, default: 30 },
      },
      required: ['url', 'retentionDays'],
      additionalProperties: false,
    }),
    dispatcher: section({
      type: 'object',
      properties: {
        enabled: { type: 'boolean', default: true },
        concurrency: { type: 'integer', minimum: 1, maximum: 1024, default: 16 },
        batchSize: { type: 'integer', minimum: 1, maximum: 1000, default: 64 },
        leaseSeconds: { type: 'integer', minimum: 1, default: 60 },
        maxAttempts: { type: 'integer', minimum: 1, default: 10 },
        maxAgeSeconds: { type: 'integer', minimum: 1, default: 86400 },
        backoffBaseMs: { type: 'integer', minimum: 1, default: 1000 },
        backoffMaxMs: { type: 'integer', minimum: 1, default: 300000 },
        pollIntervalMs: { type: 'integer', minimum: 10, default: 1000 },
      },
      required: [
        'enabled',
        'concurrency',
        'batchSize',
        'leaseSeconds',
        'maxAttempts',
        'maxAgeSeconds',
        'backoffBaseMs',
        'backoffMaxMs',
        'pollIntervalMs',
      ],
      additionalProperties: false,
    }),
    api: section({
      type: 'object',
      properties: {
        keys: { type: 'array', items: apiKeySchema, default: [] },
        envKeyScopes: {
          type: 'array',
          items: { type: 'string', enum: ['send', 'read', 'admin'] },
          uniqueItems: true,
          default: ['send', 'read'],
        },
      },
      required: ['keys', 'envKeyScopes'],
      additionalProperties: false,
    }),
    limits: section({
      type: 'object',
      properties: {
        backend: { type: 'string', enum: ['memory', 'postgres'], default: 'memory' },
        perClient: windowLimit(100, 900),
        perKey: windowLimit(600, 60),
        perSource: windowLimit(600, 60),
        perRecipient: windowLimit(10, 3600),
        allowedCountries: {
          type: 'array',
          items: { type: 'string', pattern: '^[A-Z]{2}$' },
          uniqueItems: true,
          default: [],
        },
        dailyBudget: section({
          type: 'object',
          properties: {
            total: { type: 'integer', minimum: 0, nullable: true },
            perTemplate: {
              type: 'object',
              additionalProperties: { type: 'integer', minimum: 0 },
              required: [],
              default: {},
            },
          },
          required: ['perTemplate'],
          additionalProperties: false,
        }),
      },
      required: ['backend', 'perClient', 'perKey', 'perSource', 'perRecipient', 'allowedCountries', 'dailyBudget'],
      additionalProperties: false,
    }),
  },
  required: ['server', 'log', 'metrics', 'templates', 'sources', 'publisher', 'store', 'dispatcher', 'api', 'limits'],
  additionalProperties: false,
};
