/** JSON Schema of an HTTP header name option (RFC 9110 token characters), any letter case. */
export const headerNameSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
} as const;
