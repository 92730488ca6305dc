/** The JSON schema of every error body the API sends (see `error-handler.ts`). */
export const errorResponseSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'API_ERR_... code; see docs/api.md' },
    error: { type: 'string', description: 'HTTP reason phrase' },
    message: { type: 'string', description: 'What is wrong and how to fix it' },
    retriable: { type: 'boolean' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

/**
 * The error part of a route's `response` schema: each of `statuses` answers an
 * {@link errorResponseSchema} body. Spread it beside the success responses.
 */
export function errorResponses<const S extends number>(
  ...statuses: readonly S[]
): Readonly<Record<S, typeof errorResponseSchema>> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponseSchema])) as Record<
    S,
    typeof errorResponseSchema
  >;
}
