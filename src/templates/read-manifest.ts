import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { createAjv } from '../config/create-ajv.js';
import { manifestSchema, type ManifestFile } from './manifest-schema.js';

/** A parsed and schema-checked manifest with a way to find the line of any key, or its problems. */
export type ManifestResult =
  | { readonly ok: true; readonly manifest: ManifestFile; readonly lineOf: (path: readonly (string | number)[]) => number | undefined }
  | { readonly ok: false; readonly problems: string[] };

const validateManifest = createAjv({ useDefaults: true, allErrors: true }).compile(manifestSchema);

// SNS attribute names are not keys: each has its one checked setting under `sms`.
const attributeKeys: Readonly<Record<string, string>> = {
  'AWS.SNS.SMS.SenderID': 'senderId',
  'AWS.MM.SMS.OriginationNumber': 'originationNumber',
  'AWS.SNS.SMS.MaxPrice': 'maxPrice',
  'AWS.SNS.SMS.SMSType': 'smsType',
  'AWS.MM.SMS.EntityId': 'entityId',
  'AWS.MM.SMS.TemplateId': 'templateId',
};

const patternHints: Readonly<Record<string, string>> = {
  '/sms/senderId': 'must be 3 to 11 letters, digits or hyphens, with at least one letter and no spaces (SNS SenderID)',
  '/sms/originationNumber': 'must be 5 to 14 digits with an optional leading + (an origination number you own)',
  '/source': 'must be a source name from the config (lowercase letters, digits, hyphens)',
};

function unknownKey(key: string): string {
  const setting = attributeKeys[key];
  if (setting !== undefined) return `"${key}" is an SNS attribute: set sms.${setting} instead`;
  if (key.startsWith('AWS.')) return `"${key}" is an SNS attribute name, which cannot be set freely; use ${Object.values(attributeKeys).map((k) => `sms.${k}`).join(', ')}`;
  return `"${key}" is not a known key`;
}

function explain(err: ErrorObject): { path: string[]; text: string } {
  const path = err.instancePath === '' ? [] : err.instancePath.slice(1).split('/');
  const params = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    return { path: [...path, key], text: unknownKey(key) };
  }
  const key = path.length === 0 ? '(top level)' : path.join('.');
  if (err.keyword === 'required') return { path, text: `missing key "${String(params.missingProperty)}"` };
  if (err.keyword === 'enum') {
    const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map((v) => JSON.stringify(v)).join(', ') : '';
    return { path, text: `${key} must be one of ${allowed}` };
  }
  if (err.keyword === 'pattern') return { path, text: `${key} ${patternHints[err.instancePath] ?? err.message ?? 'is not valid'}` };
  return { path, text: `${key} ${err.message ?? 'is not valid'}` };
}

function lineFinder(doc: Document, counter: LineCounter): (path: readonly (string | number)[]) => number | undefined {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: readonly number[] } | null | undefined)?.range;
      if (range?.[0] !== undefined) return counter.linePos(range[0]).line;
    }
    return undefined;
  };
}

/** Parses `template.yaml` (YAML errors with their line) and checks it against the manifest schema. */
export function readManifest(text: string, file: string): ManifestResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const line = e.linePos?.[0].line ?? counter.linePos(e.pos[0]).line;
        return `${file}:${line}: YAML ${e.message.split('\n')[0] ?? ''}`;
      }),
    };
  }
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [`${file}: must be a mapping with at least a description`] };
  }
  const lineOf = lineFinder(doc, counter);
  if (!validateManifest(raw)) {
    return {
      ok: false,
      problems: (validateManifest.errors ?? []).map((err) => {
        const { path, text: reason } = explain(err);
        const line = lineOf(path);
        return `${file}${line === undefined ? '' : `:${line}`}: ${reason}`;
      }),
    };
  }
  return { ok: true, manifest: raw, lineOf };
}
