/**
 * Whether a topic-pattern source reads `topic`: the pattern must match the whole name, as Kafka's pattern
 * subscription does (Java's `Pattern.matcher(topic).matches()`), so `/orders-.*` does not read
 * `eu.orders-1`. One rule for the task, the test driver and the runtime's subscription. Stateless: a `g`
 * or `y` flag on the user's pattern does not make successive calls disagree.
 */
export function readsTopic(pattern: RegExp, topic: string): boolean {
  const match = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(topic);
  return match !== null && match.index === 0 && match[0].length === topic.length;
}
