/**
 * Builds a {@link PropertyCatalog} from JSON (a file, or the value of a compacted reference-data topic),
 * checking every field and reporting ALL problems at once with their JSON paths, so one run of the loader
 * is enough to fix a file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReferenceDataError, ReservationError } from '../errors.js';
import { isSupportedCurrency, type Money, parseDecimal } from './money.js';
import type { CancellationPolicy, LateCancellationFee, Property, RoomType } from './reference-data.js';
import { PropertyCatalog } from './reference-data.js';
import { isLocalTime, isValidTimeZone } from './timezone.js';

/** The sample catalog that ships with the project (four hotels of different sizes). */
export const SAMPLE_CATALOG_PATH = fileURLToPath(
  new URL('../reference-data/properties.json', import.meta.url),
);

const PROPERTY_ID = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const ROOM_TYPE_CODE = /^[A-Z0-9_]{2,12}$/;
const MAX_OVERBOOKING_PERCENT = 50;
const MAX_CAPACITY = 10_000;

/** Reads and validates a catalog file; throws a {@link ReferenceDataError} listing every problem. */
export function loadPropertyCatalog(path: string = SAMPLE_CATALOG_PATH): PropertyCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReferenceDataError(path, [`cannot read it as JSON: ${(error as Error).message}`]);
  }
  return parsePropertyCatalog(json, path);
}

/**
 * Validates already-parsed JSON of the form `{ "properties": [ ... ] }` (see the sample file) and returns
 * the catalog; `source` names where it came from in error messages.
 */
export function parsePropertyCatalog(json: unknown, source = 'reference data'): PropertyCatalog {
  const problems: string[] = [];
  if (!isObject(json) || !Array.isArray(json.properties)) {
    throw new ReferenceDataError(source, ['the top level must be an object with a "properties" array']);
  }
  if (json.properties.length === 0) problems.push('properties: the list is empty; add at least one property');
  const properties: Property[] = [];
  const seen = new Set<string>();
  json.properties.forEach((raw: unknown, i: number) => {
    const property = parseProperty(raw, `properties[${i}]`, problems);
    if (property === undefined) return;
    if (seen.has(property.propertyId)) {
      problems.push(
        `properties[${i}].propertyId: "${property.propertyId}" appears twice; ids must be unique`,
      );
    }
    seen.add(property.propertyId);
    properties.push(property);
  });
  if (problems.length > 0) throw new ReferenceDataError(source, problems);
  return new PropertyCatalog(properties);
}

function parseProperty(raw: unknown, path: string, problems: string[]): Property | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  const propertyId = text(raw, 'propertyId', path, problems, PROPERTY_ID, 'like LIS-ALFAMA (A-Z, 0-9, -)');
  const name = text(raw, 'name', path, problems);
  const timeZone = text(raw, 'timeZone', path, problems);
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    problems.push(`${path}.timeZone: "${timeZone}" is not an IANA zone; use e.g. Europe/Lisbon`);
  }
  const currency = text(raw, 'currency', path, problems);
  if (currency !== undefined && !isSupportedCurrency(currency)) {
    problems.push(`${path}.currency: "${currency}" is not a supported ISO 4217 code`);
  }
  const overbookingPercent = integer(raw, 'overbookingPercent', path, problems, 0, MAX_OVERBOOKING_PERCENT);
  const checkInTime = text(raw, 'checkInTime', path, problems);
  if (checkInTime !== undefined && !isLocalTime(checkInTime)) {
    problems.push(`${path}.checkInTime: "${checkInTime}" must be HH:MM, e.g. 15:00`);
  }
  const cancellationPolicy = parsePolicy(raw.cancellationPolicy, `${path}.cancellationPolicy`, problems);
  const roomTypes = parseRoomTypes(raw.roomTypes, `${path}.roomTypes`, currency, problems);
  if (problems.length > before) return undefined;
  return {
    propertyId: propertyId!,
    name: name!,
    timeZone: timeZone!,
    currency: currency!,
    overbookingPercent: overbookingPercent!,
    checkInTime: checkInTime!,
    cancellationPolicy: cancellationPolicy!,
    roomTypes: roomTypes!,
  };
}

function parseRoomTypes(
  raw: unknown,
  path: string,
  currency: string | undefined,
  problems: string[],
): RoomType[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${path}: must be a non-empty array of room types`);
    return undefined;
  }
  const codes = new Set<string>();
  const roomTypes: RoomType[] = [];
  raw.forEach((entry: unknown, i: number) => {
    const at = `${path}[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const code = text(entry, 'code', at, problems, ROOM_TYPE_CODE, 'like STD (2-12 of A-Z, 0-9, _)');
    if (code !== undefined && codes.has(code))
      problems.push(`${at}.code: "${code}" appears twice in this property`);
    if (code !== undefined) codes.add(code);
    const name = text(entry, 'name', at, problems);
    const capacity = integer(entry, 'capacity', at, problems, 1, MAX_CAPACITY);
    const maxGuests = integer(entry, 'maxGuests', at, problems, 1, 12);
    const baseRate = rate(entry.baseRate, `${at}.baseRate`, currency, problems);
    if (code && name && capacity !== undefined && maxGuests !== undefined && baseRate) {
      roomTypes.push({ code, name, capacity, baseRate, maxGuests });
    }
  });
  return roomTypes;
}

function rate(
  raw: unknown,
  path: string,
  currency: string | undefined,
  problems: string[],
): Money | undefined {
  if (typeof raw !== 'string') {
    problems.push(`${path}: must be a decimal string such as "129.00" (never a JSON number: money is exact)`);
    return undefined;
  }
  if (currency === undefined || !isSupportedCurrency(currency)) return undefined;
  try {
    const amount = parseDecimal(raw, currency);
    if (amount.minor <= 0) problems.push(`${path}: "${raw}" must be above zero`);
    return amount;
  } catch (error) {
    problems.push(`${path}: ${error instanceof ReservationError ? error.detail : (error as Error).message}`);
    return undefined;
  }
}

function parsePolicy(raw: unknown, path: string, problems: string[]): CancellationPolicy | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: must be an object with freeUntilHoursBeforeCheckIn and lateFee`);
    return undefined;
  }
  const hours = integer(raw, 'freeUntilHoursBeforeCheckIn', path, problems, 0, 24 * 60);
  const fee = raw.lateFee;
  let lateFee: LateCancellationFee | undefined;
  if (isObject(fee) && (fee.type === 'FIRST_NIGHT' || fee.type === 'FULL_STAY')) {
    lateFee = { type: fee.type };
  } else if (isObject(fee) && fee.type === 'PERCENT_OF_TOTAL') {
    const percent = integer(fee, 'percent', `${path}.lateFee`, problems, 1, 100);
    if (percent !== undefined) lateFee = { type: 'PERCENT_OF_TOTAL', percent };
  } else {
    problems.push(
      `${path}.lateFee: must be {"type":"FIRST_NIGHT"}, {"type":"FULL_STAY"} or {"type":"PERCENT_OF_TOTAL","percent":N}`,
    );
  }
  return hours === undefined || lateFee === undefined
    ? undefined
    : { freeUntilHoursBeforeCheckIn: hours, lateFee };
}

function text(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
  pattern?: RegExp,
  hint?: string,
): string | undefined {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${path}.${key}: must be a non-empty string`);
    return undefined;
  }
  if (pattern !== undefined && !pattern.test(value)) {
    problems.push(`${path}.${key}: "${value}" has the wrong form; write it ${hint}`);
    return undefined;
  }
  return value;
}

function integer(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
  lowest: number,
  highest: number,
): number | undefined {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lowest || value > highest) {
    problems.push(
      `${path}.${key}: must be a whole number from ${lowest} to ${highest}, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
