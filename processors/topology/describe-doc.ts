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
do not edit by hand (a unit test checks it is current). The text comes from
\`processors/topology/describe-doc.ts\`.

Every topic is keyed by \`propertyId\`, so the whole pipeline is one sub-topology whose tasks each own a
set of properties: all events of a property are applied in partition order, which alone decides a race
for the last room.

## How it is written

The topology is built with the library's DSL (\`StreamsBuilder\`), in
\`processors/topology/build-reservation-topology.ts\`:

- **Streams for the inputs.** One source reads the seven command topics (\`reservation.*\`,
  \`payment.authorized|failed\`; each record is read with its own topic's serde and the intake tells the
  command by the topic), another the payment worker's \`payment.captured|refunded\`.
- **\`processValues()\` with named stores for the domain steps**, each reusing its processor:
  \`reservation-intake\` (state machine, validation, replay guard; \`reservations\`) → \`inventory\`
  (overbooking decision; \`inventory\`) → \`pricing\` (demand tiers; \`rates\`, \`booking-pace\`, reads
  \`inventory\`) → \`payment-requests\` (authorise, refund by the cancellation policy, capture) →
  \`reservation-status\` (\`reservations\`, \`reservation-expiry\`); \`daily-settlement\` batches captures and
  refunds per business day. The steps keep the key, so nothing is repartitioned.
- **\`split()\` and \`to()\` for the outputs.** A step forwards each value with the route it takes (the
  next step or an output topic); the \`<step>-to-split\` node sends it down the branch of that route,
  \`<step>-to-<route>\`, into the next step or the sink of the topic. A refused command skips to
  \`reservation-status\`.
- **Windowed aggregations for the KPIs.** The facts \`reservation-status\` hands over (bookings,
  cancellations, modifications) go through \`groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(size,
  grace)).aggregate(...)\`, one per stored window family (\`kpis-1m\` and \`kpis-5m\`, tumbling), each kept
  in a queryable window store; the 1-minute windows then go through
  \`suppress(untilWindowCloses(unbounded()))\` (\`kpis-1m-final\`), so \`analytics.booking-kpis\` carries one
  final result per window. The hourly windows (an hour every 5 minutes) have no aggregation of their own:
  \`kpis-1h-final\`, a processor ahead of the aggregations on the same facts, publishes each hour when
  stream time closes it, as the sum of its twelve 5-minute windows read from \`kpis-5m\` (the library's
  \`fetchRolledUp\` does the same read for the API), and keeps the end of the last hour it published in
  \`kpis-1h-closed\`. The 5-minute windows are stored, not published.
- **An aggregation by month of stay nights for the books.** The same facts carry what they changed per
  stay night; \`on-the-books-months\` (\`flatMap\`) groups a fact's changes by
  \`<property>|<room type>|<YYYY-MM>\`, one record per month, which refines the property, so
  \`markAsPartitioned()\` spares a repartition topic, and \`groupByKey().aggregate(...)\` keeps
  room-nights, revenue and the last 35 days' daily changes of each stay night of the month in the cached
  store \`on-the-books\`, which the pickup, pace and forecast reports read (docs/analytics.md).
- **A processor on the books' changes for the alerts.** \`on-the-books-changes\` (\`toChangeStream()\`,
  after the record cache: a month changed several times in a commit comes once, with its value at the
  previous commit and now) feeds \`analytics-alerts\`, a \`process()\` connected to \`on-the-books\`
  (read) and its own \`alert-states\` and \`alert-evaluated-days\`: it evaluates the stay nights whose
  books differ between the two, and when the property's business day turns
  (a stream-time punctuator every 15 minutes, or the next change) the nights of the property that can have
  an alert, and writes to \`analytics.alerts\` only when an alert starts, changes or ends.

Gateway calls are asynchronous, so the payment worker (\`processors/topology/payment-worker.ts\`) performs
\`payment.requests\` outside the topology and answers on \`payment.authorized|failed|captured|refunded\`.

## Decisions

- **Only final KPI results are published.** \`analytics.booking-kpis\` is read by the Postgres sink (one row
  per window, which keeps a final row against later updates) and by analytics; the API answers open
  windows from the window stores, which are ahead of any event anyway. Publishing every update wrote one
  record per window a booking falls in (13 with the default windows, 14 records per reservation in the
  benchmark) for values nobody needs before the window closes. The price: an API that reads Postgres
  only (no streams in its process) shows closed windows only, up to a grace period after they end.
- **Hourly KPIs are sums of 5-minute windows.** A hopping hour advancing every 5 minutes is exactly the sum
  of the twelve 5-minute windows it covers (bookings, cancellations, room-nights and revenue add up; ADR
  and RevPAR are computed from the sums), so each fact updates one 5-minute window instead of the twelve
  hours that contain it, and the hourly window store, its changelog and its suppression buffer are gone
  (3.2 + 3.2 changelog records per reservation in \`bench/records\`' count, against 0.26 for \`kpis-5m\`).
  \`analytics.booking-kpis\` keeps its grain and contract: one final record per hour window (size 1 h,
  advance 5 min, same event id), published when the hour closes, at its end plus the grace period, as
  before; its readers (the sink, the API's archive, the dashboard) are unchanged. The API reads an open
  hour by summing the 5-minute windows of \`kpis-5m\`, which keeps them for twice the hour plus the grace,
  so a closed hour on its way to Postgres is still whole. **Late facts**: the grace period (60 s) applies
  to the 5-minute window of the fact. A fact counts in the hourly figures when it arrives before its
  5-minute window's end plus the grace, and then in every hour that contains it; later, in none (and the
  \`window-closed\` drop is reported once for the 5-minute window). Before, a late fact missed only the
  hours already closed and counted in the later ones, so the hours disagreed about it; now an hour's value
  is always the sum of its parts. Only facts more than the grace period behind stream time are counted
  differently, and the 1-minute windows (same grace, windows ending no later) drop those anyway.
- **\`availability.updated\` stays per night; \`analytics.occupancy\` is no longer written.** Their readers
  want the latest value of one night: the sink upserts \`availability.calendar\` rows keyed by (property,
  room type, night), the API's calendar reads those rows (or the \`inventory\` store), and the analytics
  read occupancy per stay date. \`analytics.occupancy\` repeated the same key and figures (capacity and
  rooms reserved, occupancy being their ratio) one record per night changed, 3.6 records per reservation
  in the benchmark; the sink now derives the \`analytics.occupancy\` rows from \`availability.updated\`,
  versioned by the same event, so the table is unchanged and never disagrees with the calendar. (The topic
  and its schema stay in the catalog, and the sink still applies events found on it.) An event per
  reservation change would carry the same nights in a list that every reader would have to explode into
  the same rows, and would change the Avro value of a public topic. The cost is visible: a stay of n
  nights writes n availability events. What the record cache can cut is the changelog behind them
  (several bookings of one night within a commit interval), not the events, which are facts each reader
  applies.
- **\`inventory\`, \`rates\` and \`on-the-books\` hold a month of a room type per entry.** Keyed
  \`<property>|<room type>|<YYYY-MM>\`. In \`inventory\` and \`rates\` the value is a number per day of
  the month (rooms sold; the rate in minor units, 0 where none is set and the base rate applies), 4 bytes a
  day (\`inventory-store.ts\`); in \`on-the-books\` the books and 35 days of daily changes of each booked
  stay night, about 30 bytes a night (\`analytics/month-books-serde.ts\`). A stay's nights are nearly
  always in one month, so a command writes one entry per store and the record cache one changelog record
  per commit, where one entry per night wrote one per night: in \`bench/records\`' count, \`inventory\`
  3.46 → 1.00, \`rates\` 1.60 → 0.60 and \`on-the-books\` 3.39 → 0.98 changelog records per reservation
  (28.3 → 18.8 records per reservation with the hourly KPI cut, then 18.76 → 16.36 with \`on-the-books\`,
  of which changelogs 7.14 → 4.73). Reads stay by key: a night is one \`get\` of its month and an index
  (\`soldOn\`, \`rateOn\`, \`booksOn\`), and tests list a store's nights with \`storedNights\`. The alerts
  get each month's change before and after (\`toChangeStream()\`) and evaluate the nights that differ, as
  they evaluated each changed night's entry before. The events keep their grain: \`availability.updated\`
  and \`rate.updated\` are still one record per night changed (see below).
- **State is read by key or by a short range, never scanned whole.** Windows close from the suppression
  buffer of the task's own windows, or, for the hourly windows, from one range read of the task's own
  5-minute windows per closing (no scan over every property of the catalog); the booking pace is one
  window-store entry per booking, counted over a time range (no list of times rewritten per booking); a
  reservation that reaches a final status gets an entry in \`reservation-expiry\`, keyed by the time it
  may be purged, so the hourly purge reads only the entries that are due instead of every reservation.
- **Stores are cached.** The domain steps' stores opt in with \`withCachingEnabled()\` (Processor API stores
  do, in Kafka Streams), the KPI window stores, \`kpis-1h-closed\` and the suppression buffer are cached
  too: a key written several times between two commits (a reservation created then confirmed, a window
  updated by several bookings) writes its changelog once. Reads see the latest write at once; only the
  changelog waits for the commit.
- **The hot stores' values are binary, not JSON.** The KPI window stores hold \`KpiTotals\` in a fixed
  36-byte layout, \`reservations\` its state in an Avro layout of its own (no registry: only this
  application reads it), \`inventory\` and \`rates\` 4 bytes a day, \`on-the-books\` about 30 bytes a
  booked night: each is serialized on every write and read on every command, and JSON cost several times the CPU (\`npm run bench:store-serdes\`).

## The grain of each event

| topic | one record per | why |
| --- | --- | --- |
| \`availability.updated\` | night of a room type whose rooms sold changed | readers keep the latest value per night (calendar, occupancy rows); a per-reservation list would be exploded into the same rows by every reader |
| \`availability.overbooked\` | night sold beyond capacity by one command | a fact operations act on, per night |
| \`rate.updated\` | night of a room type whose rate changed | the current rate is a per-night value (the sink's \`rates.current_rate\`, the API's rate calendar) |
| \`rate.applied\` | priced command (creation or modification) | the nightly rates a guest was quoted belong to the reservation, as a list |
| \`payment.requests\` | payment action (authorise, capture, refund) | each is one call of the payment worker |
| \`reservation.confirmed\`, \`reservation.rejected\` | decision | exactly one final status per reservation (plus refusals of later commands) |
| \`analytics.booking-kpis\` | closed window of a property | only final values are read (see above) |
| \`analytics.alerts\` | start, change or end of an alert (property, room type, night, kind) | readers keep each alert's state; an unchanged alert is not repeated |
| \`payment.settled\` | property and business day | a settlement batch is per day |

## Diagram

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
