/**
 * The `reservations` store's value serde: {@link ReservationState} as Avro binary (plain avsc, no registry:
 * only this application reads the store and its changelog) behind a layout version byte, instead of
 * JSON. The status step reads and writes a reservation on every command; in `npm run bench:store-serdes`
 * a serialize + deserialize costs about half of JSON's CPU and the value takes a quarter of the bytes.
 *
 * The schema mirrors the TypeScript types field by field; a compile-time check below fails when
 * `ReservationState` gains a field the schema lacks (Avro would drop it silently). A change of the schema
 * needs a new version byte and a reader of the old one, as any change of a stored layout does.
 */
import avro from 'avsc';
import type { Serde } from '../../schemas/serde.js';
import type { ReservationState } from './reservation-state.js';

const VERSION = 1;

const nullable = (type: unknown) => ['null', type];
const minor = 'long';

const SCHEMA = {
  type: 'record',
  name: 'ReservationState',
  namespace: 'tstreams.reservations.store',
  fields: [
    { name: 'confirmationNumber', type: 'string' },
    { name: 'propertyId', type: 'string' },
    { name: 'guestId', type: 'string' },
    { name: 'status', type: 'string' },
    {
      name: 'stay',
      type: {
        type: 'record',
        name: 'Stay',
        fields: [
          { name: 'checkInDate', type: 'string' },
          { name: 'checkOutDate', type: 'string' },
          { name: 'nights', type: 'int' },
          { name: 'roomType', type: 'string' },
          { name: 'rooms', type: 'int' },
          { name: 'adults', type: 'int' },
          { name: 'children', type: 'int' },
        ],
      },
    },
    {
      name: 'price',
      type: nullable({
        type: 'record',
        name: 'AppliedPrice',
        fields: [
          { name: 'currency', type: 'string' },
          { name: 'ratePlan', type: 'string' },
          {
            name: 'nightly',
            type: {
              type: 'array',
              items: {
                type: 'record',
                name: 'NightPrice',
                fields: [
                  { name: 'night', type: 'string' },
                  { name: 'multiplierBp', type: 'int' },
                  { name: 'rateMinor', type: minor },
                ],
              },
            },
          },
          { name: 'roomTotalMinor', type: minor },
          { name: 'taxesMinor', type: minor },
          { name: 'feesMinor', type: minor },
          { name: 'totalMinor', type: minor },
        ],
      }),
    },
    { name: 'paymentToken', type: 'string' },
    {
      name: 'payment',
      type: nullable({
        type: 'record',
        name: 'PaymentState',
        fields: [
          { name: 'paymentId', type: 'string' },
          { name: 'authorizedMinor', type: minor },
          { name: 'authorizationCode', type: nullable('string') },
          { name: 'gatewayReference', type: nullable('string') },
          { name: 'capturedMinor', type: minor },
          { name: 'refundedMinor', type: minor },
          { name: 'balanceDueMinor', type: minor },
        ],
      }),
    },
    {
      name: 'cancellation',
      type: nullable({
        type: 'record',
        name: 'CancellationState',
        fields: [
          { name: 'free', type: 'boolean' },
          { name: 'deadline', type: 'long' },
          { name: 'feeMinor', type: minor },
          { name: 'refundMinor', type: minor },
        ],
      }),
    },
    { name: 'rejection', type: nullable('string') },
    { name: 'createdAt', type: 'long' },
    { name: 'updatedAt', type: 'long' },
    { name: 'appliedEventIds', type: { type: 'array', items: 'string' } },
  ],
} as const;

// Every field of ReservationState is in the schema (a new field fails to compile here).
type SchemaFields = (typeof SCHEMA.fields)[number]['name'];
const everyFieldInSchema: Exclude<keyof ReservationState, SchemaFields> extends never ? true : never = true;
void everyFieldInSchema;

const TYPE = avro.Type.forSchema(SCHEMA as unknown as avro.Schema, { omitRecordMethods: true });

export function reservationStateSerde(): Serde<ReservationState> {
  return {
    name: 'reservation state (avro)',
    serialize(state) {
      if (state === null) return null;
      const body = TYPE.toBuffer(state);
      const bytes = Buffer.allocUnsafe(body.length + 1);
      bytes.writeUInt8(VERSION, 0);
      body.copy(bytes, 1);
      return bytes;
    },
    deserialize(data) {
      if (data === null) return null as unknown as ReservationState;
      if (data.length === 0 || data.readUInt8(0) !== VERSION) {
        throw new TypeError(`not a reservation state of layout version ${VERSION} (${data.length} bytes)`);
      }
      // Plain objects, as the processors build them (avsc decodes records as instances of its classes).
      return { ...(TYPE.fromBuffer(data.subarray(1)) as ReservationState) };
    },
  };
}
