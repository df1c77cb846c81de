/**
 * NumPy's datetime64 and timedelta64 units: parsing the `[unit]` suffix of a
 * type string (`"M8[ns]"`, `"datetime64[2D]"`), and converting between the
 * stored counts and JavaScript `Date`s and ISO 8601 strings as NumPy does
 * (proleptic Gregorian calendar, no leap seconds, UTC).
 *
 * A datetime64 value is a signed 64-bit count of units since
 * 1970-01-01T00:00; a timedelta64 value is a count of units. The smallest
 * int64 is NaT ("not a time").
 *
 * @module
 */

/** The base units NumPy knows, coarsest first. */
export type DateTimeUnit =
  | "Y"
  | "M"
  | "W"
  | "D"
  | "h"
  | "m"
  | "s"
  | "ms"
  | "us"
  | "ns"
  | "ps"
  | "fs"
  | "as";

/** NaT, NumPy's "not a time": the smallest int64. */
export const NAT: bigint = -(2n ** 63n);

/** Attoseconds per unit for the units of fixed length (not Y, M). */
const AS_PER: Record<string, bigint> = {
  W: 7n * 86400n * 10n ** 18n,
  D: 86400n * 10n ** 18n,
  h: 3600n * 10n ** 18n,
  m: 60n * 10n ** 18n,
  s: 10n ** 18n,
  ms: 10n ** 15n,
  us: 10n ** 12n,
  ns: 10n ** 9n,
  ps: 10n ** 6n,
  fs: 10n ** 3n,
  as: 1n,
};

/** The base units, coarsest first. */
export const DATE_UNITS: readonly DateTimeUnit[] = [
  "Y",
  "M",
  ...Object.keys(AS_PER) as DateTimeUnit[],
];

const UNITS = new Set<string>(DATE_UNITS);

/** A parsed unit: a base unit (or `"generic"`) and a multiple. */
export interface UnitInfo {
  /** The base unit, or `"generic"` for a datetime without a unit. */
  readonly base: DateTimeUnit | "generic";
  /** How many base units one count is (NumPy's `[2D]` is 2). */
  readonly multiple: number;
  /** The text between the brackets as NumPy prints it (`"2D"`, `"ns"`), `""` for generic. */
  readonly text: string;
}

/**
 * Parses the text between the brackets of a datetime type string.
 *
 * @param text E.g. `"ns"`, `"2D"`, `"μs"`, `"generic"`; `undefined` for none.
 * @returns The unit, or `undefined` when the text is not a unit.
 */
export function parseUnit(text: string | undefined): UnitInfo | undefined {
  if (text === undefined || text === "generic") {
    return { base: "generic", multiple: 1, text: "" };
  }
  const m = /^(\d*)(\D+)$/.exec(text);
  if (m === null) return undefined;
  const base = m[2] === "μs" ? "us" : m[2];
  if (!UNITS.has(base)) return undefined;
  const multiple = m[1] === "" ? 1 : Number(m[1]);
  if (
    !Number.isSafeInteger(multiple) || multiple < 1 || multiple > 2 ** 31 - 1
  ) {
    return undefined;
  }
  return {
    base: base as DateTimeUnit,
    multiple,
    text: multiple === 1 ? base : `${multiple}${base}`,
  };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Days from 1970-01-01 to the first day of `month` (1-12) of `year`, proleptic Gregorian. */
export function daysFromCivil(
  year: bigint,
  month: number,
  day: number,
): bigint {
  const y = month <= 2 ? year - 1n : year;
  const era = floorDiv(y, 400n);
  const yoe = y - era * 400n;
  const mp = BigInt((month + 9) % 12);
  const doy = (153n * mp + 2n) / 5n + BigInt(day - 1);
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

/** The civil date of a day count since 1970-01-01. */
export function civilFromDays(days: bigint): [bigint, number, number] {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const month = Number(mp < 10n ? mp + 3n : mp - 9n);
  const year = yoe + era * 400n + (month <= 2 ? 1n : 0n);
  return [year, month, day];
}

/**
 * A point in time at attosecond resolution: days since 1970-01-01 and
 * attoseconds into the day (NumPy's conversions go through such a form).
 */
interface Instant {
  days: bigint;
  as: bigint;
}

const AS_PER_DAY = AS_PER.D;

/** Converts a datetime64 count to an instant (not for NaT or generic units). */
function toInstant(count: bigint, unit: UnitInfo): Instant {
  const n = count * BigInt(unit.multiple);
  if (unit.base === "Y") {
    return { days: daysFromCivil(1970n + n, 1, 1), as: 0n };
  }
  if (unit.base === "M") {
    const y = 1970n + floorDiv(n, 12n);
    const mo = Number(n - floorDiv(n, 12n) * 12n) + 1;
    return { days: daysFromCivil(y, mo, 1), as: 0n };
  }
  const total = n * AS_PER[unit.base];
  const days = floorDiv(total, AS_PER_DAY);
  return { days, as: total - days * AS_PER_DAY };
}

/** Converts an instant to a datetime64 count of `unit`, flooring as NumPy's casts do. */
function fromInstant(t: Instant, unit: UnitInfo): bigint {
  const mult = BigInt(unit.multiple);
  if (unit.base === "Y" || unit.base === "M") {
    const [y, mo] = civilFromDays(t.days);
    const months = unit.base === "Y"
      ? y - 1970n
      : (y - 1970n) * 12n + BigInt(mo - 1);
    return floorDiv(months, mult);
  }
  const total = t.days * AS_PER_DAY + t.as;
  return floorDiv(total, AS_PER[unit.base] * mult);
}

/**
 * Converts a datetime64 count from one unit to another as NumPy's casts
 * do (flooring to a coarser unit); NaT stays NaT.
 *
 * @param count The count.
 * @param from Its unit (not generic).
 * @param to The target unit (not generic).
 * @returns The count in `to`.
 */
export function convertDatetime(
  count: bigint,
  from: UnitInfo,
  to: UnitInfo,
): bigint {
  if (count === NAT) return NAT;
  return fromInstant(toInstant(count, from), to);
}

/** Attoseconds NumPy gives a year and a month of timedelta (365.2425 days, a twelfth of it). */
const AS_PER_YEAR = 31556952n * 10n ** 18n;

/**
 * Converts a timedelta64 count from one unit to another as NumPy's casts
 * do (flooring to a coarser unit; a year is 365.2425 days, a month a
 * twelfth of that); NaT stays NaT.
 *
 * @param count The count.
 * @param from Its unit (not generic).
 * @param to The target unit (not generic).
 * @returns The count in `to`.
 */
export function convertTimedelta(
  count: bigint,
  from: UnitInfo,
  to: UnitInfo,
): bigint {
  if (count === NAT) return NAT;
  const size = (u: UnitInfo) =>
    (u.base === "Y"
      ? AS_PER_YEAR
      : u.base === "M"
      ? AS_PER_YEAR / 12n
      : AS_PER[u.base]) * BigInt(u.multiple);
  return floorDiv(count * size(from), size(to));
}

/**
 * Converts a JavaScript `Date` to a datetime64 count (floored to the unit).
 *
 * @param d The date.
 * @param unit The target unit (not generic).
 * @returns The count; NaT for an invalid date.
 */
export function dateToCount(d: Date, unit: UnitInfo): bigint {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return NAT;
  const total = BigInt(ms) * AS_PER.ms;
  const days = floorDiv(total, AS_PER_DAY);
  return fromInstant({ days, as: total - days * AS_PER_DAY }, unit);
}

/**
 * Converts a datetime64 count to a JavaScript `Date` (milliseconds floored).
 *
 * @param count The count.
 * @param unit Its unit.
 * @returns The date; an invalid date for NaT, generic units or out of range.
 */
export function countToDate(count: bigint, unit: UnitInfo): Date {
  if (count === NAT || unit.base === "generic") return new Date(NaN);
  const t = toInstant(count, unit);
  const ms = t.days * 86400000n + floorDiv(t.as, AS_PER.ms);
  return new Date(
    ms > 8640000000000000n || ms < -8640000000000000n ? NaN : Number(ms),
  );
}

const ISO =
  /^([+-]?\d{4,})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a datetime string as NumPy does: `"2000"`, `"2000-01"`,
 * `"2000-01-02"`, `"2000-01-02T03:04:05.678"` (a space may replace the
 * `T`), an optional `Z` or `±hh:mm` offset (converted to UTC), years of
 * more than four digits or signed; `"NaT"` (any case) and `""` give NaT.
 * Finer parts than the unit are floored away, as NumPy's casts do.
 *
 * @param text The string.
 * @param unit The target unit.
 * @returns The count.
 * @throws {TypeError} If the string is not a datetime, or a non-NaT value is given for a generic unit.
 * @throws {RangeError} If a month, day, hour, minute or second is out of range.
 */
export function parseDatetime(text: string, unit: UnitInfo): bigint {
  const s = text.trim();
  if (s === "" || s.toLowerCase() === "nat") return NAT;
  const m = ISO.exec(s);
  if (m === null) {
    throw new TypeError(
      `Cannot convert ${
        JSON.stringify(text)
      } to datetime64: not an ISO 8601 date`,
    );
  }
  if (unit.base === "generic") {
    throw new TypeError(
      `Cannot store ${
        JSON.stringify(text)
      } in a datetime64 without a unit: only NaT can be`,
    );
  }
  const year = BigInt(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const frac = m[7] ?? "";
  const check = (ok: boolean, what: string) => {
    if (!ok) {
      throw new RangeError(
        `Cannot convert ${
          JSON.stringify(text)
        } to datetime64: ${what} out of range`,
      );
    }
  };
  check(month >= 1 && month <= 12, "month");
  const leap = (year % 4n === 0n && year % 100n !== 0n) || year % 400n === 0n;
  const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  check(day >= 1 && day <= dim[month - 1], "day");
  check(hour < 24, "hour");
  check(minute < 60, "minute");
  check(second < 60, "second");
  let as = BigInt(hour * 3600 + minute * 60 + second) * AS_PER.s;
  if (frac !== "") as += BigInt(frac.slice(0, 18).padEnd(18, "0"));
  let days = daysFromCivil(year, month, day);
  const tz = m[8];
  if (tz !== undefined && tz !== "Z") {
    const sign = tz[0] === "-" ? -1n : 1n;
    const digits = tz.slice(1).replace(":", "");
    const offMin = BigInt(
      Number(digits.slice(0, 2)) * 60 +
        Number(digits.slice(2) || "0"),
    );
    as -= sign * offMin * AS_PER.m;
    const carry = floorDiv(as, AS_PER_DAY);
    days += carry;
    as -= carry * AS_PER_DAY;
  }
  return fromInstant({ days, as }, unit);
}

/**
 * Formats a datetime64 count as NumPy prints it (`str(np.datetime64(...))`):
 * as many parts as the unit has, `"NaT"` for NaT.
 *
 * @param count The count.
 * @param unit Its unit.
 * @returns The text, e.g. `"2000-01-02T03:04:05.678"`.
 */
export function formatDatetime(count: bigint, unit: UnitInfo): string {
  if (count === NAT) return "NaT";
  if (unit.base === "generic") return String(count);
  const t = toInstant(count, unit);
  const [y, mo, d] = civilFromDays(t.days);
  const ys = y < 0n
    ? "-" + String(-y).padStart(4, "0")
    : String(y).padStart(4, "0");
  if (unit.base === "Y") return ys;
  const p2 = (n: number | bigint) => String(n).padStart(2, "0");
  if (unit.base === "M") return `${ys}-${p2(mo)}`;
  const date = `${ys}-${p2(mo)}-${p2(d)}`;
  if (unit.base === "W" || unit.base === "D") return date;
  const secs = t.as / AS_PER.s;
  const hh = p2(secs / 3600n), mm = p2((secs / 60n) % 60n), ss = p2(secs % 60n);
  if (unit.base === "h") return `${date}T${hh}`;
  if (unit.base === "m") return `${date}T${hh}:${mm}`;
  const digits = { s: 0, ms: 3, us: 6, ns: 9, ps: 12, fs: 15, as: 18 }[
    unit.base
  ];
  const frac = String(t.as % AS_PER.s).padStart(18, "0").slice(0, digits);
  return `${date}T${hh}:${mm}:${ss}${digits > 0 ? "." + frac : ""}`;
}
