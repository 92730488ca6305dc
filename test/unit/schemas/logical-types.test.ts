import { describe, expect, it } from 'vitest';
import {
  bigintToTwosComplement,
  formatDecimal,
  parseDecimal,
  twosComplementToBigint,
} from '../../../schemas/decimal.js';
import { avroTypeFor, epochDayToLocalDate, localDateToEpochDay } from '../../../schemas/logical-types.js';

const type = avroTypeFor({
  type: 'record',
  name: 'test.Logical',
  fields: [
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'money', type: { type: 'bytes', logicalType: 'decimal', precision: 14, scale: 2 } },
    { name: 'ratio', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 4 } },
    { name: 'whole', type: { type: 'bytes', logicalType: 'decimal', precision: 5 } },
    {
      name: 'fixedMoney',
      type: { type: 'fixed', name: 'Amount8', size: 8, logicalType: 'decimal', precision: 18, scale: 2 },
    },
    { name: 'maybeDay', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
  ],
});

const roundTrip = (value: object) => ({ ...type.fromBuffer(type.toBuffer(value)) });

const base = {
  day: '2026-03-14',
  at: 1_773_446_400_123,
  money: '249.90',
  ratio: '1.2500',
  whole: '42',
  fixedMoney: '-17.05',
  maybeDay: null,
};

describe('date <-> LocalDate', () => {
  it.each([
    ['1970-01-01', 0],
    ['1969-12-31', -1],
    ['2000-02-29', 11_016],
    ['2026-03-14', 20_526],
    ['9999-12-31', 2_932_896],
  ])('%s is epoch day %i and decodes back to the same string', (date, epochDay) => {
    expect(localDateToEpochDay(date)).toBe(epochDay);
    expect(epochDayToLocalDate(epochDay)).toBe(date);
    expect(roundTrip({ ...base, day: date, maybeDay: date })).toMatchObject({ day: date, maybeDay: date });
  });

  it('writes the date as an Avro int of days (interoperable with other Avro readers)', () => {
    const plain = avroTypeFor({ type: 'record', name: 'test.Plain', fields: [{ name: 'day', type: 'int' }] });
    const dayOnly = avroTypeFor({
      type: 'record',
      name: 'test.Plain',
      fields: [{ name: 'day', type: { type: 'int', logicalType: 'date' } }],
    });
    expect(plain.fromBuffer(dayOnly.toBuffer({ day: '2026-03-14' }))).toMatchObject({ day: 20_526 });
  });

  it.each(['2026-02-30', '2026-13-01', '2026-3-14', '14/03/2026', '', '2026-03-14T00:00:00Z'])(
    'refuses %j on encode, naming the expected form',
    (date) => {
      expect(() => type.toBuffer({ ...base, day: date })).toThrow(
        /expected a real calendar date as "YYYY-MM-DD"/,
      );
      expect(type.isValid({ ...base, day: date })).toBe(false);
    },
  );
});

describe('timestamp-millis <-> EpochMillis', () => {
  it.each([0, -1, 1_773_446_400_123, 253_402_300_799_999])('keeps %i exactly', (at) => {
    expect(roundTrip({ ...base, at }).at).toBe(at);
  });

  it.each([1.5, Number.NaN, 2 ** 60])('refuses %d', (at) => {
    expect(() => type.toBuffer({ ...base, at })).toThrow(/invalid timestamp-millis/);
  });
});

describe('decimal <-> canonical Decimal string', () => {
  it.each([
    ['0.00'],
    ['0.01'],
    ['-0.01'],
    ['249.90'],
    ['-128.00'],
    ['1.28'],
    ['-1.29'],
    ['999999999999.99'],
    ['-999999999999.99'],
  ])('keeps money %s exactly', (money) => {
    expect(roundTrip({ ...base, money }).money).toBe(money);
  });

  it('keeps other scales and fixed-size decimals exactly', () => {
    const value = { ...base, ratio: '-0.0001', whole: '-99999', fixedMoney: '9223372036854775.07' };
    expect(roundTrip(value)).toEqual(value);
  });

  it.each([
    ['249.9', /exactly 2 fraction digits/],
    ['249.900', /exactly 2 fraction digits/],
    ['0249.90', /no leading zeros/],
    ['-0.00', /negative zero/],
    ['1e3', /exactly 2 fraction digits/],
    ['1000000000000.00', /more than 14 digits/],
  ])('refuses money %s (%s)', (money, message) => {
    expect(() => type.toBuffer({ ...base, money })).toThrow(message);
  });

  it('refuses a JavaScript number for money: floats never carry cents', () => {
    expect(() => type.toBuffer({ ...base, money: 249.9 })).toThrow(/invalid decimal/);
  });

  it("encodes the unscaled value as big-endian two's complement, as the Avro spec says", () => {
    expect(bigintToTwosComplement(0n)).toEqual(Buffer.from([0x00]));
    expect(bigintToTwosComplement(127n)).toEqual(Buffer.from([0x7f]));
    expect(bigintToTwosComplement(128n)).toEqual(Buffer.from([0x00, 0x80]));
    expect(bigintToTwosComplement(-1n)).toEqual(Buffer.from([0xff]));
    expect(bigintToTwosComplement(-128n)).toEqual(Buffer.from([0x80]));
    expect(bigintToTwosComplement(-129n)).toEqual(Buffer.from([0xff, 0x7f]));
    for (const value of [0n, 1n, -1n, 255n, -256n, 24_990n, -(10n ** 30n), 10n ** 30n + 7n]) {
      expect(twosComplementToBigint(bigintToTwosComplement(value))).toBe(value);
    }
  });

  it('parses and formats unscaled integers for arithmetic in cents', () => {
    expect(parseDecimal('249.90', 2)).toBe(24_990n);
    expect(formatDecimal(24_990n + 1_010n, 2)).toBe('260.00');
    expect(formatDecimal(-5n, 2)).toBe('-0.05');
    expect(formatDecimal(7n, 0)).toBe('7');
  });

  it('refuses a decimal schema without a precision when the schema is parsed', () => {
    expect(() =>
      avroTypeFor({
        type: 'record',
        name: 'test.Bad',
        fields: [{ name: 'x', type: { type: 'bytes', logicalType: 'decimal' } }],
      }),
    ).toThrow(/precision/);
  });
});

describe('fast paths agree with the exact (BigInt / Date) computations', () => {
  it('converts every day from 1600-01-01 to 2400-12-31 like Date does', () => {
    const first = Date.UTC(1600, 0, 1) / 86_400_000;
    const last = Date.UTC(2400, 11, 31) / 86_400_000;
    const mismatches: string[] = [];
    for (let day = first; day <= last; day += 1) {
      const expected = new Date(day * 86_400_000).toISOString().slice(0, 10);
      if (epochDayToLocalDate(day) !== expected || localDateToEpochDay(expected) !== day)
        mismatches.push(expected);
    }
    expect(last - first).toBeGreaterThan(290_000);
    expect(mismatches).toEqual([]);
  });

  it('refuses the 29th of February outside leap years', () => {
    expect(localDateToEpochDay('2000-02-29')).toBe(11_016);
    expect(() => localDateToEpochDay('1900-02-29')).toThrow(/invalid date/);
    expect(() => localDateToEpochDay('2026-02-29')).toThrow(/invalid date/);
  });

  it.each([
    // around the 6-byte (2^47) boundary of the number path, and the 15-digit boundary of exact doubles
    '1407374883553.27',
    '1407374883553.28',
    '-1407374883553.28',
    '-1407374883553.29',
    '999999999999.99',
    '12345678901234.56',
    '-12345678901234.56',
  ])('encodes %s to the same bytes as the BigInt path, and back', (money) => {
    const wide = avroTypeFor({
      type: 'record',
      name: 'test.Wide',
      fields: [{ name: 'm', type: { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 2 } }],
    });
    const bytes = wide.toBuffer({ m: money });
    const expectedBody = bigintToTwosComplement(parseDecimal(money, 2));
    expect(bytes.subarray(bytes.length - expectedBody.length)).toEqual(expectedBody);
    expect(wide.fromBuffer(bytes).m).toBe(money);
  });

  it('round-trips 20,000 pseudo-random amounts of every size exactly', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const digits = String(next()).padStart(10, '0') + String(next()).padStart(10, '0');
      const length = (next() % 14) + 1;
      const unscaled = BigInt(digits.slice(0, length)) * (next() % 2 === 0 ? 1n : -1n);
      const money = formatDecimal(unscaled, 2);
      if (roundTrip({ ...base, money }).money !== money) mismatches.push(money);
    }
    expect(mismatches).toEqual([]);
  });

  it('checks precision on the number path too', () => {
    const ratio = avroTypeFor({
      type: 'record',
      name: 'test.Ratio',
      fields: [{ name: 'r', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 4 } }],
    });
    expect(ratio.fromBuffer(ratio.toBuffer({ r: '99.9999' })).r).toBe('99.9999');
    expect(() => ratio.toBuffer({ r: '100.0000' })).toThrow(/more than 6 digits/);
  });
});

describe('decimal decode of corrupt bytes', () => {
  const money = avroTypeFor({
    type: 'record',
    name: 'test.MoneyOnly',
    fields: [{ name: 'm', type: { type: 'bytes', logicalType: 'decimal', precision: 14, scale: 2 } }],
  });

  it.each([
    ['a negative length', Buffer.from([0x01])],
    ['a length past the end', Buffer.from([0x10, 0x01])],
  ])('fails on %s instead of returning a value', (_what, bytes) => {
    expect(() => money.fromBuffer(bytes)).toThrow(/truncated/);
  });

  it('reads an empty byte string as zero, as the Avro spec allows', () => {
    expect(money.fromBuffer(Buffer.from([0x00])).m).toBe('0.00');
  });
});
