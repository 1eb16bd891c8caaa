/** Date condition operators, over W3C ISO 8601 dates and epoch seconds. */

import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

// A date, optionally followed by a time with a zone. A time without a zone would depend on the host's zone.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;
const EPOCH_SECONDS = /^\d{1,12}$/;

/**
 * Parses "2026-01-31", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.5+02:00" or epoch seconds
 * such as "1769860800" into milliseconds since the epoch, or returns undefined when invalid.
 */
export function parseDate(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;

  const parts = ISO_8601.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((part) => Number(part ?? "0")) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = parts[7] ?? "";
  const [sign, offsetHours, offsetMinutes] = [parts[9], Number(parts[10] ?? "0"), Number(parts[11] ?? "0")];

  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;

  const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const milliseconds = Number(`0.${fraction || "0"}`) * 1000;
  return utcTime(year, month - 1, day, hour, minute, second) + milliseconds - offset;
}

/** Like Date.UTC, but without its mapping of years 0 to 99 onto 1900 to 1999. */
function utcTime(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcTime(year, month, 0)).getUTCDate();
}

function validateDate(policyValue: string): string | undefined {
  return parseDate(policyValue) === undefined ? "is not an ISO 8601 date or epoch seconds" : undefined;
}

/** Builds the matching rule from a comparison. A context value that is not a date matches nothing. */
function compareWith(compare: (contextTime: number, policyTime: number) => boolean) {
  return {
    validateValue: validateDate,
    matches: (contextValue: string, policyValue: string): boolean => {
      const contextTime = parseDate(contextValue);
      const policyTime = parseDate(policyValue);
      if (contextTime === undefined || policyTime === undefined) return false;
      return compare(contextTime, policyTime);
    },
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
