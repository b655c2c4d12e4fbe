// Go-compatible readers for the text values Flipt parses with Go's standard library
// (strings.TrimSpace, strconv.ParseFloat, strconv.ParseBool, time.Parse). Flipt's evaluation results
// depend on exactly what Go accepts, so these mirror Go's acceptance rules rather than JavaScript's
// (`Number(" 5")` is 5 and `"\uFEFF".trim()` is "", where Go says "syntax error" and "not blank").
// Pure: no dependencies, no I/O.

/** A UTC instant at nanosecond precision; structurally the proto message `ensign.sync.v1.Instant`. */
export interface Instant {
  seconds: number;
  nanos: number;
}

// Unicode White_Space as Go's unicode.IsSpace sees it. U+FEFF is not white space in Go.
function isGoSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go `strings.TrimSpace`: strips leading and trailing Unicode White_Space (not U+FEFF). */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** True when Go's `strings.TrimSpace(s)` is empty. Does not allocate. */
export function isGoBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (!isGoSpace(s.charCodeAt(i))) return false;
  }
  return true;
}

/** Go `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

const CH_0 = 0x30;
const CH_9 = 0x39;

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= CH_0 && c <= CH_9;
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

function isHexLetter(c: number): boolean {
  const l = lowerAscii(c);
  return l >= 0x61 && l <= 0x66;
}

function hasPrefixIgnoreCase(s: string, at: number, word: string): boolean {
  if (s.length - at < word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (lowerAscii(s.charCodeAt(at + i)) !== word.charCodeAt(i)) return false;
  }
  return true;
}

// Go's strconv `special`: an optional sign then "inf"/"infinity", or an unsigned "nan"; the whole
// string must be consumed.
function parseSpecial(s: string): number | undefined {
  let at = 0;
  let sign = 1;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) {
    sign = c0 === 0x2d ? -1 : 1;
    at = 1;
  }
  const rest = s.length - at;
  if (
    (rest === 3 && hasPrefixIgnoreCase(s, at, 'inf')) ||
    (rest === 8 && hasPrefixIgnoreCase(s, at, 'infinity'))
  )
    return sign * Infinity;
  if (at === 0 && rest === 3 && hasPrefixIgnoreCase(s, 0, 'nan')) return NaN;
  return undefined;
}

// Go's strconv `underscoreOK`: an underscore must sit between digits (a base prefix counts as one).
function underscoresOk(s: string): boolean {
  let i = 0;
  if (s.length > 0 && (s[0] === '+' || s[0] === '-')) i = 1;
  let saw = '^';
  let hex = false;
  const prefixLetter = s.length - i >= 2 && s[i] === '0' ? lowerAscii(s.charCodeAt(i + 1)) : 0;
  if (prefixLetter === 0x62 || prefixLetter === 0x6f || prefixLetter === 0x78) {
    hex = prefixLetter === 0x78;
    saw = '0';
    i += 2;
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= CH_0 && c <= CH_9) || (hex && isHexLetter(c))) {
      saw = '0';
    } else if (c === 0x5f) {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/**
 * Go `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (p exponent required) floats, `inf`,
 * `infinity`, `nan` (case-insensitive), underscores between digits. `undefined` for anything Go
 * rejects, including surrounding white space and values that overflow float64 (Go's ErrRange).
 * Checked against Go 1.26 on 80,000 generated inputs. One known difference: for literals with more
 * than 800 significant digits Go's slow path loses track of the decimal point; this returns the
 * correctly rounded value.
 */
export function parseGoFloat(s: string): number | undefined {
  const plain = parsePlainInteger(s);
  return plain === plain ? plain : parseGoFloatGeneral(s);
}

// The common case on the evaluation path: an optionally signed decimal integer of at most 15 digits
// (exact in float64). NaN when s is anything else.
function parsePlainInteger(s: string): number {
  const length = s.length;
  if (length === 0 || length > 16) return NaN;
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) i = 1;
  if (i === length || length - i > 15) return NaN;
  let value = 0;
  for (; i < length; i++) {
    const digit = s.charCodeAt(i) - CH_0;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return first === 0x2d ? -value : value;
}

function parseGoFloatGeneral(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const special = parseSpecial(s);
  if (special !== undefined) return special;

  let i = 0;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    i = 1;
  }
  const hex = i + 2 < s.length && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X');
  if (hex) i += 2;
  const mantissaStart = i;
  let sawDot = false;
  let sawDigits = false;
  let underscores = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) underscores = true;
    else if (c === 0x2e) {
      if (sawDot) break;
      sawDot = true;
    } else if ((c >= CH_0 && c <= CH_9) || (hex && isHexLetter(c))) sawDigits = true;
    else break;
  }
  if (!sawDigits) return undefined;
  const mantissaEnd = i;

  let exponent = 0;
  if (i < s.length && lowerAscii(s.charCodeAt(i)) === (hex ? 0x70 : 0x65)) {
    i++;
    let exponentSign = 1;
    if (s[i] === '+' || s[i] === '-') exponentSign = s[i++] === '-' ? -1 : 1;
    if (!isDigitAt(s, i)) return undefined;
    for (; i < s.length && (isDigitAt(s, i) || s[i] === '_'); i++) {
      if (s[i] === '_') underscores = true;
      // Go stops accumulating exponent digits once the exponent reaches 10000.
      else if (exponent < 10000) exponent = exponent * 10 + (s.charCodeAt(i) - CH_0);
    }
    exponent *= exponentSign;
  } else if (hex) {
    return undefined;
  }
  if (i !== s.length) return undefined;
  if (underscores && !underscoresOk(s)) return undefined;

  let value: number;
  if (hex) {
    const magnitude = hexToFloat(s.slice(mantissaStart, mantissaEnd).replaceAll('_', ''), exponent);
    value = negative ? -magnitude : magnitude;
  } else if (exponent > -10000 && exponent < 10000) {
    // s is now known to be Go syntax that JS also reads; JS decimal parsing rounds correctly (ties
    // to even), as Go's does.
    value = Number(underscores ? s.replaceAll('_', '') : s);
  } else {
    // Go caps the exponent it reads (see above); rebuild the literal with the capped exponent.
    const magnitude = Number(`${s.slice(mantissaStart, mantissaEnd).replaceAll('_', '')}e${exponent}`);
    value = negative ? -magnitude : magnitude;
  }
  return Number.isFinite(value) ? value : undefined;
}

// Correctly rounded (ties to even) value of a hex mantissa "1a.8" times 2^binaryExponent, with
// subnormals; Infinity when it overflows float64.
function hexToFloat(mantissa: string, binaryExponent: number): number {
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const fractionDigits = dot < 0 ? 0 : mantissa.length - dot - 1;
  let m = BigInt(`0x${digits}`);
  if (m === 0n) return 0;
  const e = binaryExponent - 4 * fractionDigits;
  const bitLength = m.toString(2).length;
  // Quantum of the result: 53 significant bits, but never finer than the smallest subnormal.
  const quantum = Math.max(bitLength - 1 + e - 52, -1074);
  const shift = quantum - e;
  if (shift > 0) {
    const big = BigInt(shift);
    const remainder = m & ((1n << big) - 1n);
    const half = 1n << (big - 1n);
    m >>= big;
    if (remainder > half || (remainder === half && (m & 1n) === 1n)) m += 1n;
  } else {
    m <<= BigInt(-shift);
  }
  if (quantum > 971) return Infinity;
  return Number(m) * 2 ** quantum;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(month: number, year: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return (DAYS_BEFORE_MONTH[month] ?? 0) - (DAYS_BEFORE_MONTH[month - 1] ?? 0);
}

// Days from 1970-01-01 to the given proleptic Gregorian date (year 0..9999).
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = year - 1;
  const leapDaysBefore = Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  const daysBeforeYear = 365 * y + leapDaysBefore;
  const leap = month > 2 && isLeapYear(year) ? 1 : 0;
  // 719162 = days from 0001-01-01 to 1970-01-01.
  return daysBeforeYear + (DAYS_BEFORE_MONTH[month - 1] ?? 0) + leap + day - 1 - 719162;
}

/** Reads exactly `count` ASCII digits at `at`; -1 if any is not a digit. */
function readDigits(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return -1;
    n = n * 10 + (c - CH_0);
  }
  return n;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
}

// "YYYY-MM-DD" at the start of s, as Go's layout parser reads 2006-01-02 (fixed widths).
function readDate(s: string): DateParts | undefined {
  const year = readDigits(s, 0, 4);
  const month = readDigits(s, 5, 2);
  const day = readDigits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 0 || s[4] !== '-' || s[7] !== '-') return undefined;
  if (day < 1 || day > daysInMonth(month, year)) return undefined;
  return { year, month, day };
}

/**
 * Go `time.Parse(time.RFC3339, s)`, falling back to `time.Parse(time.DateOnly, s)`, converted to
 * UTC (Flipt's `tryParseDateTime`). Like Go's layout parser (which `time.Parse` falls back to when
 * its strict RFC 3339 fast path fails) this also accepts a one-digit hour, a comma before the
 * fraction and zone offsets up to ±24:60; it rejects lower-case t/z, second 60 and days that do
 * not exist. Only the first 9 fraction digits count.
 */
export function parseGoDateTime(s: string): Instant | undefined {
  const date = readDate(s);
  if (date === undefined) return undefined;
  const days = daysFromEpoch(date.year, date.month, date.day);
  if (s.length === 10) return { seconds: days * 86400, nanos: 0 };
  if (s[10] !== 'T') return undefined;

  // Hour: one or two digits (Go's "15" layout element is not fixed-width).
  let i = 11;
  if (!isDigitAt(s, i)) return undefined;
  let hour = s.charCodeAt(i++) - CH_0;
  if (isDigitAt(s, i)) hour = hour * 10 + (s.charCodeAt(i++) - CH_0);
  if (hour > 23 || s[i] !== ':') return undefined;
  const minute = readDigits(s, i + 1, 2);
  if (minute < 0 || minute > 59 || s[i + 3] !== ':') return undefined;
  const second = readDigits(s, i + 4, 2);
  if (second < 0 || second > 59) return undefined;
  i += 6;

  let nanos = 0;
  if ((s[i] === '.' || s[i] === ',') && isDigitAt(s, i + 1)) {
    let end = i + 1;
    while (isDigitAt(s, end)) end++;
    const kept = Math.min(end - i - 1, 9);
    nanos = readDigits(s, i + 1, kept) * 10 ** (9 - kept);
    i = end;
  }

  let offsetSeconds = 0;
  if (s[i] !== 'Z' || i + 1 !== s.length) {
    if (s.length - i !== 6 || s[i + 3] !== ':') return undefined;
    const sign = s[i] === '+' ? 1 : s[i] === '-' ? -1 : 0;
    const offsetHours = readDigits(s, i + 1, 2);
    const offsetMinutes = readDigits(s, i + 4, 2);
    if (sign === 0 || offsetHours < 0 || offsetMinutes < 0 || offsetHours > 24 || offsetMinutes > 60)
      return undefined;
    offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60);
  }
  return { seconds: days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds, nanos };
}

/** Orders two instants: -1 if a is before b, 1 if after, 0 if equal. */
export function compareInstant(a: Instant, b: Instant): -1 | 0 | 1 {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.nanos !== b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return 0;
}
