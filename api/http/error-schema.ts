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
