import { GatewayError } from '../errors.js';
import type { MessageFilter, MessageRecord } from './message-store.js';

/** The largest page `list` returns, whatever the caller asks. */
export const maxPageSize = 1000;

interface Position {
  readonly submittedAt: string;
  readonly id: string;
}

/** An opaque cursor pointing after `last` in (submitted_at desc, id desc) order. */
export function encodePageCursor(last: MessageRecord): string {
  return Buffer.from(JSON.stringify([last.submittedAt.toISOString(), last.id]), 'utf8').toString('base64url');
}

function decodePageCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [submittedAt, id] = value as unknown[];
      if (typeof submittedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(submittedAt))) {
        return { submittedAt, id };
      }
    }
  } catch {
    // Reported below as an invalid cursor, like any other malformed value.
  }
  throw new GatewayError('SNSGATE_QUERY_INVALID', 'cursor is not a cursor returned by this API', { reason: 'cursor' });
}

/**
 * The SQL and parameters of one `list` page, for either backend (`placeholder` numbers or not).
 * Fetches one row more than the page so the caller knows whether there is a next page.
 */
export function buildListQuery(
  filter: MessageFilter,
  placeholder: (index: number) => string,
): { sql: string; params: (string | number)[]; pageSize: number } {
  const params: (string | number)[] = [];
  const bind = (value: string | number): string => {
    params.push(value);
    return placeholder(params.length);
  };
  const where: string[] = [];
  if (filter.status !== undefined) where.push(`status = ${bind(filter.status)}`);
  if (filter.template !== undefined) where.push(`template = ${bind(filter.template)}`);
  if (filter.recipient !== undefined) where.push(`recipient_number = ${bind(filter.recipient)}`);
  if (filter.since !== undefined) where.push(`submitted_at >= ${bind(filter.since.toISOString())}`);
  if (filter.until !== undefined) where.push(`submitted_at < ${bind(filter.until.toISOString())}`);
  if (filter.cursor !== undefined) {
    const after = decodePageCursor(filter.cursor);
    const at = bind(after.submittedAt);
    where.push(`(submitted_at < ${at} OR (submitted_at = ${bind(after.submittedAt)} AND id < ${bind(after.id)}))`);
  }
  const pageSize = Math.min(Math.max(Math.trunc(filter.limit), 1), maxPageSize);
  const sql =
    'SELECT * FROM message_logs' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY submitted_at DESC, id DESC LIMIT ${bind(pageSize + 1)}`;
  return { sql, params, pageSize };
}
