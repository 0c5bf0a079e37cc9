import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { SmsSettings } from '../config/config.js';

/** SNS defaults to Promotional; alerts and order notices are transactional, so that is ours. */
const defaultSmsType = 'Transactional';

/** Decimal text without exponent notation, which SNS's Number data type does not promise to accept. */
function decimal(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(10).replace(/0+$/, '');
}

/** The SNS SMS message attributes for these settings; `AWS.SNS.SMS.SMSType` is always set. */
export function smsAttributes(sms: SmsSettings): Record<string, MessageAttributeValue> {
  const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
  const attributes: Record<string, MessageAttributeValue> = {
    'AWS.SNS.SMS.SMSType': text(sms.smsType ?? defaultSmsType),
  };
  if (sms.senderId !== undefined) attributes['AWS.SNS.SMS.SenderID'] = text(sms.senderId);
  if (sms.originationNumber !== undefined) attributes['AWS.MM.SMS.OriginationNumber'] = text(sms.originationNumber);
  if (sms.maxPrice !== undefined) {
    attributes['AWS.SNS.SMS.MaxPrice'] = { DataType: 'Number', StringValue: decimal(sms.maxPrice) };
  }
  if (sms.entityId !== undefined) attributes['AWS.MM.SMS.EntityId'] = text(sms.entityId);
  if (sms.templateId !== undefined) attributes['AWS.MM.SMS.TemplateId'] = text(sms.templateId);
  return attributes;
}
