/**
 * The two timestamp formats a SigV4 request may carry: X-Amz-Date in ISO 8601 basic format
 * (20150830T123600Z) and, for header signing without x-amz-date, an HTTP Date header in
 * IMF-fixdate form (Sun, 30 Aug 2015 12:36:00 GMT). Both are read strictly: a value that is not
 * a real calendar instant, or that is written in any other way, is rejected rather than guessed.
 */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** Parses 20150830T123600Z; undefined when the text is not exactly that form of a real instant. */
export function parseAmzDate(text: string): Date | undefined {
  const match = AMZ_DATE.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return utcInstant(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
}

/** Parses an IMF-fixdate HTTP date; the weekday is not cross-checked, as in RFC 9110. */
export function parseHttpDate(text: string): Date | undefined {
  const match = HTTP_DATE.exec(text);
  if (match === null) return undefined;
  const [, day, monthName, year, hour, minute, second] = match;
  const month = MONTHS.indexOf(monthName!) / 3 + 1;
  return utcInstant(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
}

/** Formats an instant as 20150830T123600Z, dropping milliseconds. */
export function formatAmzDate(date: Date): string {
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  return `${year}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}T${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function utcInstant(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20150231 over into March and maps years below 100 to the 1900s:
  // a field that does not come back unchanged was not a real instant.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return date;
}
