/**
 * Dead-letter operations for operators: `GET /dlq/:topic` lists the records of `<topic>.dlq` with their
 * error and source coordinates; `POST /dlq/:topic/replay` sends chosen records (or all) back to the
 * source topic, each at most once (recorded in Postgres).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Role } from '../auth/api-keys.js';
import { errorResponses } from '../http/error-schema.js';
import type { DeadLetterService, ReplaySelection } from './dead-letters.js';

/** What the DLQ routes need. */
export interface DlqRoutesOptions {
  readonly service: DeadLetterService;
}

const OPERATOR: { roles: readonly Role[] } = { roles: ['operator'] };
const topicParams = {
  type: 'object',
  additionalProperties: false,
  required: ['topic'],
  properties: {
    topic: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]+\\.dlq$',
      maxLength: 249,
      description: 'The dead-letter topic, e.g. reservation.created.dlq',
    },
  },
} as const;
const entrySchema = {
  type: 'object',
  properties: {
    dlqTopic: { type: 'string' },
    partition: { type: 'integer' },
    offset: { type: 'string' },
    timestamp: { type: 'integer' },
    sourceTopic: { type: 'string' },
    sourcePartition: { type: ['integer', 'null'] },
    sourceOffset: { type: ['string', 'null'] },
    errorCode: { type: 'string' },
    errorMessage: { type: 'string' },
    replayed: {
      type: ['object', 'null'],
      properties: { at: { type: 'string' }, by: { type: 'string' } },
    },
  },
} as const;
const coordinates = {
  type: 'object',
  additionalProperties: false,
  required: ['partition', 'offset'],
  properties: {
    partition: { type: 'integer', minimum: 0 },
    offset: { type: 'string', pattern: '^[0-9]+$' },
  },
} as const;
const errors = errorResponses(400, 401, 403, 503);

/** Registers the DLQ routes. */
export const dlqRoutes: FastifyPluginAsync<DlqRoutesOptions> = async (app, options) => {
  app.get<{ Params: { topic: string }; Querystring: { limit?: string } }>(
    '/dlq/:topic',
    {
      config: OPERATOR,
      schema: {
        summary: 'List dead-lettered records',
        tags: ['operations'],
        params: topicParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', description: '1-9999, default 100' },
          },
        },
        response: {
          200: { type: 'object', properties: { records: { type: 'array', items: entrySchema } } },
          ...errors,
        },
      },
    },
    async (request) => ({
      records: await options.service.list(request.params.topic, Number(request.query.limit ?? 100)),
    }),
  );

  app.post<{
    Params: { topic: string };
    Body: { all?: boolean; records?: { partition: number; offset: string }[] };
  }>(
    '/dlq/:topic/replay',
    {
      config: OPERATOR,
      schema: {
        summary: 'Replay dead-lettered records to their source topic (each at most once)',
        tags: ['operations'],
        params: topicParams,
        body: {
          type: 'object',
          additionalProperties: false,
          oneOf: [
            { required: ['all'], properties: { all: { const: true } } },
            {
              required: ['records'],
              properties: { records: { type: 'array', minItems: 1, maxItems: 1000, items: coordinates } },
            },
          ],
          properties: { all: { type: 'boolean' }, records: { type: 'array', items: coordinates } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              replayed: { type: 'array', items: { type: 'object', additionalProperties: true } },
              skipped: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const body = request.body;
      const selection: ReplaySelection = body.all === true ? { all: true } : { records: body.records ?? [] };
      return options.service.replay(request.params.topic, selection, request.principal?.name ?? 'unknown');
    },
  );
};
