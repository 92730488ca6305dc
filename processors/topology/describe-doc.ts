/**
 * The reservation topology's documentation page, generated from `describe()` so that it cannot drift
 * from the code: `npx tsx processors/topology/describe-doc.ts` rewrites `docs/reservation-topology.md`,
 * and a unit test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPropertyCatalog } from '../domain/reference-data-loader.js';
import { buildReservationTopology } from './build-reservation-topology.js';
import { jsonReservationSerdes } from './serdes.js';

/** Where the page lives. */
export const TOPOLOGY_DOC_PATH = fileURLToPath(
  new URL('../../docs/reservation-topology.md', import.meta.url),
);

/** The page's Markdown, from the topology built with the sample catalog and default settings. */
export function reservationTopologyDoc(): string {
  const description = buildReservationTopology({
    catalog: loadPropertyCatalog(),
    serdes: jsonReservationSerdes(),
  }).describe();
  return `# The reservation topology

Generated from \`buildReservationTopology(config).describe()\` by \`npx tsx processors/topology/describe-doc.ts\`;
do not edit by hand (a unit test checks it is current).

Every topic is keyed by \`propertyId\`, so the whole pipeline is one sub-topology whose tasks each own a
set of properties: all events of a property are applied in partition order, which alone decides a race
for the last room. A command walks \`reservation-intake\` (state machine, validation, replay guard) →
\`inventory\` (overbooking decision) → \`pricing\` (demand tiers) → \`payment-requests\` (authorise, refund
by the cancellation policy, capture) → \`reservation-status\` → \`booking-kpis\` (windows); a refused
command skips to \`reservation-status\`. Gateway calls are asynchronous, so the payment worker
(\`processors/topology/payment-worker.ts\`) performs \`payment.requests\` outside the topology and answers
on \`payment.authorized|failed|captured|refunded\`; captures and refunds feed \`daily-settlement\`, which emits
one \`payment.settled\` batch per property and business day.

\`\`\`mermaid
${description.toMermaid().trim()}
\`\`\`

## As text

\`\`\`
${description.toString().trim()}
\`\`\`
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(TOPOLOGY_DOC_PATH, reservationTopologyDoc());
  console.log(`wrote ${TOPOLOGY_DOC_PATH}`);
}
