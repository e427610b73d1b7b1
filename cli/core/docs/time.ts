// Dates as the owner reads them: wall-clock parts in the owner's time zone.
import { ValidationError, type Problem } from '../../errors.js';

export interface LocalTime {
  date: string; // 2026-11-21
  time: string; // 10:32:05
  offset: string; // +00:00
  iso: string; // 2026-11-21T10:32:05+00:00
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The problem with aos.yaml's time zone, if ICU does not know it. */
export function timeZoneProblem(timeZone: string): Problem | undefined {
  if (isTimeZone(timeZone)) return undefined;
  return { file: 'aos.yaml', field: 'owner.timezone', expected: 'an IANA time zone such as Europe/Lisbon', found: JSON.stringify(timeZone) };
}

/** A cached formatter of a zone's wall-clock fields (also used by schedules to find UTC offsets). */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const problem = timeZoneProblem(timeZone);
  if (problem) throw new ValidationError([problem]);
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const wallMs = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const minutes = Math.round((wallMs - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { date, time, offset, iso: `${date}T${time}${offset}` };
}

/** Compact UTC stamp used in ids: 20261121T103205. */
export function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').slice(0, 15);
}

/** Days between two YYYY-MM-DD dates, inclusive of both ends, oldest first. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 36600; t += 86400000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/** "--since" as a day: YYYY-MM-DD, today, yesterday, or Nd (N days before today). */
export function resolveSince(spec: string, today: string): string | undefined {
  const s = spec.trim().toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))) return s;
  if (s === 'today') return today;
  if (s === 'yesterday') return addDays(today, -1);
  const m = /^(\d{1,5})d$/.exec(s);
  return m ? addDays(today, -Number(m[1])) : undefined;
}
