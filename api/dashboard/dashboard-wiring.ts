/**
 * The dashboard's dependencies as `startApi` builds them: an admin client for lag and the DLQ topic list,
 * the pipeline view, and the decision feed as its change signal. Kept here so `start-api.ts` changes by a
 * few lines only.
 */
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import type { DecisionWaiters } from '../reservations/decision-waiters.js';
import type { DashboardOptions } from './dashboard-routes.js';
import { PipelineView, type PlacementSource } from './pipeline-view.js';

/** What {@link dashboardOptions} needs. */
export interface DashboardWiring {
  readonly kafka: KafkaClient;
  readonly applicationId: string;
  readonly topicPrefix: string;
  readonly advertisedServer: string;
  readonly apiKeys: ApiKeyStore;
  readonly catalog: PropertyCatalog;
  readonly waiters: DecisionWaiters;
  readonly streams?: PlacementSource;
  readonly topologyMermaid?: string;
}

/** Connects the admin client and returns the options and how to close them. */
export async function dashboardOptions(
  wiring: DashboardWiring,
): Promise<{ options: DashboardOptions; close: () => Promise<void> }> {
  const admin = wiring.kafka.admin();
  await admin.connect();
  const pipeline = new PipelineView({
    self: wiring.advertisedServer,
    admin,
    groupId: wiring.applicationId,
    ...(wiring.streams === undefined ? {} : { streams: wiring.streams }),
  });
  const options: DashboardOptions = {
    apiKeys: wiring.apiKeys,
    catalog: wiring.catalog,
    pipeline,
    // The DLQ topics of this application that exist now (a topic appears with its first dead letter or
    // when the runtime creates it) and how many records each holds, read on each dead-letter refresh: the
    // dashboard then lists only the topics that hold any (a listing reads the topic from the start).
    dlqTopics: async () => {
      const topics = (await admin.listTopics())
        .filter((topic) => topic.startsWith(wiring.topicPrefix) && topic.endsWith('.dlq'))
        .sort();
      return Promise.all(
        topics.map(async (topic) => ({
          topic,
          records: (await admin.watermarks(topic)).reduce((sum, p) => sum + (p.high - p.low), 0),
        })),
      );
    },
    onPropertyChange: (listener) => wiring.waiters.onDecision(listener),
    ...(wiring.topologyMermaid === undefined ? {} : { topologyMermaid: wiring.topologyMermaid }),
  };
  return { options, close: () => admin.disconnect() };
}
