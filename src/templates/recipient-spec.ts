import type { PublishTarget } from '../publish/publisher.js';
import { isTopicArn } from '../sms/check-phone-number.js';
import type { CompiledTemplate } from './compile-template.js';

/** One configured recipient: a literal number or topic ARN, or an expression over the payload. */
export type RecipientSpec =
  | { readonly kind: 'literal'; readonly target: PublishTarget }
  | { readonly kind: 'expression'; readonly template: CompiledTemplate };

const e164 = /^\+[1-9]\d{1,14}$/;

/** True when a `to` entry is a Handlebars expression rather than a literal. */
export function isExpression(value: string): boolean {
  return value.includes('{{');
}

/** A literal recipient as a publish target: an E.164 number or a topic ARN; undefined for anything else. */
export function literalTarget(value: string): PublishTarget | undefined {
  const trimmed = value.trim();
  if (isTopicArn(trimmed)) return { kind: 'topic', topicArn: trimmed };
  return e164.test(trimmed) ? { kind: 'phone', phoneNumber: trimmed } : undefined;
}
