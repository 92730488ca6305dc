/** The lines a failover-benchmark instance prints (one JSON object per line) and the parent parses. */
export type InstanceReport =
  | { readonly event: 'state'; readonly state: string; readonly at: number }
  | { readonly event: 'rebalanceStarted'; readonly at: number }
  | { readonly event: 'tasks'; readonly tasks: string[]; readonly at: number }
  | {
      readonly event: 'restore';
      readonly taskIds: string[];
      readonly records: number;
      readonly durationMs: number;
      readonly at: number;
    };
