/** Where a secret comes from: exactly one of an environment variable or a file. Never inline. */
export interface SecretRef {
  env?: string;
  file?: string;
}

/** A fixed-window limit: at most `points` events per `durationSeconds`. */
export interface WindowLimit {
  points: number;
  durationSeconds: number;
}

export type SchemeName =
  | 'standard-webhooks'
  | 'github'
  | 'shopify'
  | 'stripe'
  | 'slack'
  | 'grafana'
  | 'hmac'
  | 'bearer'
  | 'basic';

export type DeliveryMode = 'queued' | 'sync';

/** A sender of webhooks: its signature scheme, secrets (several for rotation) and options. */
export interface SourceConfig {
  scheme: SchemeName;
  secrets: SecretRef[];
  /** Replay window for schemes that carry a timestamp, in both directions. */
  toleranceSeconds: number;
  /** Scheme-specific options, validated by the scheme's own schema. */
  options: Record<string, unknown>;
  delivery?: DeliveryMode;
  rateLimit?: WindowLimit;
}

export interface SmsSettings {
  smsType?: 'Transactional' | 'Promotional';
  senderId?: string;
  originationNumber?: string;
  maxPrice?: number;
  entityId?: string;
  templateId?: string;
}

/** Deployment overrides of a template's recipients and SMS settings. */
export interface TemplateOverride {
  to?: string[];
  /** Recipients from a comma-separated environment variable (for example ALERT_SMS_TO). */
  toEnv?: string;
  sms?: SmsSettings;
  delivery?: DeliveryMode;
  maxSegments?: number;
  overflow?: 'reject' | 'truncate';
  encoding?: 'auto' | 'gsm7';
  enabled?: boolean;
}

export type ApiScope = 'send' | 'read' | 'admin';

/** A named API key, stored hashed (`sha256:<hex>`) or referenced as a secret. */
export interface ApiKeyConfig {
  name: string;
  hash?: string;
  key?: SecretRef;
  scopes: ApiScope[];
  /** Template ids this key may use; `*` for all. */
  templates: string[];
  rateLimit?: WindowLimit;
}

export interface Config {
  server: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    shutdownTimeoutMs: number;
    trustProxy: boolean;
  };
  log: {
    level: 'error' | 'warn' | 'info' | 'debug';
  };
  metrics: {
    port?: number;
    token?: SecretRef;
  };
  templates: {
    dirs: string[];
    overrides: Record<string, TemplateOverride>;
  };
  sources: Record<string, SourceConfig>;
  publisher: {
    kind: 'dry-run' | 'sns';
    sns: {
      connectionTimeoutMs: number;
      requestTimeoutMs: number;
      callTimeoutMs: number;
      maxAttempts: number;
      retryMode: 'standard' | 'adaptive';
      maxSockets: number;
    };
    breaker: {
      enabled: boolean;
      timeoutMs: number;
      errorThresholdPercentage: number;
      volumeThreshold: number;
      resetTimeoutMs: number;
      rollingWindowMs: number;
    };
    rateLimit: {
      /** Outbound messages per second; 0 lifts the limit. */
      messagesPerSecond: number;
      burst: number;
    };
    optOut: {
      enabled: boolean;
      cacheTtlSeconds: number;
      cacheSize: number;
    };
  };
  store: {
    url: string;
    retentionDays: number;
  };
  dispatcher: {
    enabled: boolean;
    concurrency: number;
    batchSize: number;
    leaseSeconds: number;
    maxAttempts: number;
    maxAgeSeconds: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    pollIntervalMs: number;
  };
  api: {
    keys: ApiKeyConfig[];
    /** Scopes given to the key read from the tutorial's API_KEY variable. */
    envKeyScopes: ApiScope[];
  };
  limits: {
    backend: 'memory' | 'postgres';
    perClient: WindowLimit;
    perKey: WindowLimit;
    perSource: WindowLimit;
    perRecipient: WindowLimit;
    /** ISO 3166 alpha-2 codes; empty allows every country. */
    allowedCountries: string[];
    dailyBudget: {
      total?: number;
      perTemplate: Record<string, number>;
    };
  };
}
