import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overbookingAllowance, sellableLimit } from '../../../../processors/domain/reference-data.js';
import {
  loadPropertyCatalog,
  parsePropertyCatalog,
  SAMPLE_CATALOG_PATH,
} from '../../../../processors/domain/reference-data-loader.js';
import {
  ReferenceDataError,
  UnknownPropertyError,
  UnknownRoomTypeError,
} from '../../../../processors/errors.js';

function validProperty(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    propertyId: 'TEST-HOTEL',
    name: 'Test Hotel',
    timeZone: 'Europe/Lisbon',
    currency: 'EUR',
    overbookingPercent: 10,
    checkInTime: '15:00',
    cancellationPolicy: { freeUntilHoursBeforeCheckIn: 48, lateFee: { type: 'FIRST_NIGHT' } },
    roomTypes: [{ code: 'STD', name: 'Standard', capacity: 25, baseRate: '100.00', maxGuests: 2 }],
    ...overrides,
  };
}

function problemsOf(json: unknown): readonly string[] {
  try {
    parsePropertyCatalog(json, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ReferenceDataError);
    return (error as ReferenceDataError).problems;
  }
  throw new Error('expected the catalog to be refused');
}

describe('the shipped sample catalog', () => {
  const catalog = loadPropertyCatalog();

  it('has hotels of different sizes, several room types each, in several currencies', () => {
    const properties = catalog.all();
    expect(properties.map((p) => p.propertyId)).toEqual([
      'LIS-ALFAMA',
      'NYC-MIDTOWN',
      'TYO-GINZA',
      'ZRH-SEEHOF',
    ]);
    expect(new Set(properties.map((p) => p.currency))).toEqual(new Set(['EUR', 'USD', 'JPY', 'CHF']));
    for (const p of properties) expect(p.roomTypes.length).toBeGreaterThanOrEqual(3);
    expect(catalog.totalCapacity('NYC-MIDTOWN')).toBe(420);
    expect(catalog.totalCapacity('ZRH-SEEHOF')).toBe(24);
  });

  it('keeps base rates exact, in each currency’s minor units', () => {
    expect(catalog.roomType('LIS-ALFAMA', 'STD').baseRate).toEqual({ currency: 'EUR', minor: 12_900 });
    expect(catalog.roomType('TYO-GINZA', 'SGL').baseRate).toEqual({ currency: 'JPY', minor: 14_800 });
    expect(catalog.roomType('NYC-MIDTOWN', 'PH').baseRate).toEqual({ currency: 'USD', minor: 125_000 });
  });

  it('derives the overbooking allowance per room type, rounded down', () => {
    const lisbon = catalog.property('LIS-ALFAMA');
    expect(overbookingAllowance(lisbon, catalog.roomType('LIS-ALFAMA', 'STD'))).toBe(3); // 5 % of 70 = 3.5
    expect(overbookingAllowance(lisbon, catalog.roomType('LIS-ALFAMA', 'STE'))).toBe(0); // 5 % of 6 = 0.3
    expect(sellableLimit(lisbon, catalog.roomType('LIS-ALFAMA', 'STD'))).toBe(73);
    const zurich = catalog.property('ZRH-SEEHOF');
    expect(overbookingAllowance(zurich, catalog.roomType('ZRH-SEEHOF', 'DBL'))).toBe(0);
  });

  it('names unknown properties and room types with what exists', () => {
    expect(() => catalog.property('PAR-NOPE')).toThrow(UnknownPropertyError);
    expect(() => catalog.roomType('LIS-ALFAMA', 'PH')).toThrow(UnknownRoomTypeError);
    expect(() => catalog.roomType('LIS-ALFAMA', 'PH')).toThrow(/offers: STD, SUP, JRS, STE/);
    expect(catalog.has('LIS-ALFAMA')).toBe(true);
    expect(catalog.has('PAR-NOPE')).toBe(false);
  });

  it('is the file at SAMPLE_CATALOG_PATH', () => {
    expect(SAMPLE_CATALOG_PATH.endsWith('processors/reference-data/properties.json')).toBe(true);
  });
});

describe('the catalog loader', () => {
  it('accepts a minimal valid catalog', () => {
    const catalog = parsePropertyCatalog({ properties: [validProperty()] });
    expect(catalog.property('TEST-HOTEL').cancellationPolicy).toEqual({
      freeUntilHoursBeforeCheckIn: 48,
      lateFee: { type: 'FIRST_NIGHT' },
    });
  });

  it('reports every problem at once, each with its JSON path', () => {
    const problems = problemsOf({
      properties: [
        validProperty({
          timeZone: 'Europe/Atlantis',
          currency: 'XYZ',
          overbookingPercent: 75,
          checkInTime: '3pm',
        }),
        validProperty({
          propertyId: 'lower-case',
          roomTypes: [
            { code: 'STD', name: 'Standard', capacity: 0, baseRate: 100, maxGuests: 2 },
            { code: 'STD', name: 'Again', capacity: 5, baseRate: '99.999', maxGuests: 2 },
          ],
          cancellationPolicy: { freeUntilHoursBeforeCheckIn: -1, lateFee: { type: 'SOMETIMES' } },
        }),
      ],
    });
    expect(problems).toEqual([
      'properties[0].timeZone: "Europe/Atlantis" is not an IANA zone; use e.g. Europe/Lisbon',
      'properties[0].currency: "XYZ" is not a supported ISO 4217 code',
      'properties[0].overbookingPercent: must be a whole number from 0 to 50, got 75',
      'properties[0].checkInTime: "3pm" must be HH:MM, e.g. 15:00',
      'properties[1].propertyId: "lower-case" has the wrong form; write it like LIS-ALFAMA (A-Z, 0-9, -)',
      'properties[1].cancellationPolicy.freeUntilHoursBeforeCheckIn: must be a whole number from 0 to 1440, got -1',
      'properties[1].cancellationPolicy.lateFee: must be {"type":"FIRST_NIGHT"}, {"type":"FULL_STAY"} or {"type":"PERCENT_OF_TOTAL","percent":N}',
      'properties[1].roomTypes[0].capacity: must be a whole number from 1 to 10000, got 0',
      'properties[1].roomTypes[0].baseRate: must be a decimal string such as "129.00" (never a JSON number: money is exact)',
      'properties[1].roomTypes[1].code: "STD" appears twice in this property',
      'properties[1].roomTypes[1].baseRate: "99.999" has 3 decimal places but EUR has 2; round it in the source',
    ]);
  });

  it('refuses duplicate property ids, empty lists and a wrong top level', () => {
    expect(problemsOf({ properties: [validProperty(), validProperty()] })).toEqual([
      'properties[1].propertyId: "TEST-HOTEL" appears twice; ids must be unique',
    ]);
    expect(problemsOf({ properties: [] })).toEqual([
      'properties: the list is empty; add at least one property',
    ]);
    expect(problemsOf([validProperty()])).toEqual([
      'the top level must be an object with a "properties" array',
    ]);
    expect(problemsOf({ properties: [validProperty({ roomTypes: [] })] })).toEqual([
      'properties[0].roomTypes: must be a non-empty array of room types',
    ]);
  });

  it('puts the file name and the fix in the error message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, JSON.stringify({ properties: [validProperty({ overbookingPercent: 'five' })] }));
    expect(() => loadPropertyCatalog(path)).toThrow(
      `RSV_ERR_REFERENCE_DATA: reference data in ${path} is invalid (1 problem); fix these entries and reload:\n` +
        '  - properties[0].overbookingPercent: must be a whole number from 0 to 50, got "five"',
    );
    writeFileSync(path, '{ not json');
    expect(() => loadPropertyCatalog(path)).toThrow(/cannot read it as JSON/);
  });
});
