/** The topic the raw kafkajs peer writes (a module of its own so the runner can import it without running the loop). */
export const RAW_PEER_OUTPUT = 'peer-raw.decisions';
