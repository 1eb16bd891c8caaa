/** Date condition operators, over W3C ISO 8601 dates and epoch seconds. */

import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

// A date, optionally followed by a time with a zone. A time without a zone would depend on the host's zone.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;
const EPOCH_SECONDS = /^\d{1,12}$/;
const MILLISECONDS_PER_DAY = 86_400_000;
/** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
const DAYS_BEFORE_EPOCH = 719_468;

/**
 * Parses "2026-01-31", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.5+02:00" or epoch seconds
 * such as "1769860800" into milliseconds since the epoch, or returns undefined when invalid.
 */
export function parseDate(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;

  const parts = ISO_8601.exec(text);
  if (!parts) return undefined;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const hour = Number(parts[4] ?? "0");
  const minute = Number(parts[5] ?? "0");
  const second = Number(parts[6] ?? "0");
  const fraction = parts[7] ?? "";
  const sign = parts[9];
  const offsetHours = Number(parts[10] ?? "0");
  const offsetMinutes = Number(parts[11] ?? "0");

  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;

  const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const milliseconds = Number(`0.${fraction || "0"}`) * 1000;
  const time = daysSinceEpoch(year, month, day) * MILLISECONDS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
  return time + milliseconds - offset;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, as Date counts them, for
 * any year (Date.UTC would map years 0 to 99 onto 1900 to 1999). Counts from March, so that the
 * leap day ends a 400-year cycle.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - DAYS_BEFORE_EPOCH;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validateDate(policyValue: string): string | undefined {
  return parseDate(policyValue) === undefined ? "is not an ISO 8601 date or epoch seconds" : undefined;
}

/** Converts a policy value into milliseconds, or into null, which matches nothing, when it is not a date. */
function prepareDate(policyValue: string): number | null {
  return parseDate(policyValue) ?? null;
}

/** Builds the matching rule from a comparison. A context value that is not a date matches nothing. */
function compareWith(compare: (contextTime: number, policyTime: number) => boolean) {
  return {
    validateValue: validateDate,
    preparePolicyValue: prepareDate,
    prepareContextValue: parseDate,
    matches: (contextTime: number, policyTime: number | null): boolean => policyTime !== null && compare(contextTime, policyTime),
  };
}

export const DATE_OPERATORS: readonly OperatorEntry[] = [
  ...defineOperatorPair(
    "DateEquals",
    "DateNotEquals",
    compareWith((context, policy) => context === policy),
  ),
  defineOperator(
    "DateLessThan",
    compareWith((context, policy) => context < policy),
  ),
  defineOperator(
    "DateLessThanEquals",
    compareWith((context, policy) => context <= policy),
  ),
  defineOperator(
    "DateGreaterThan",
    compareWith((context, policy) => context > policy),
  ),
  defineOperator(
    "DateGreaterThanEquals",
    compareWith((context, policy) => context >= policy),
  ),
];
