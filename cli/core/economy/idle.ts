// Idle hours: the windows of the owner's day (in the owner's time zone) in which this home sells
// its work. "22:00-07:00" runs past midnight. Pure: the local clock reading comes in as minutes.

export interface Window {
  text: string;
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** "22:00-07:00" → a window, or why not. */
export function parseWindow(text: string): Window | { error: string } {
  const m = WINDOW.exec(text.trim());
  if (!m) return { error: `"${text}" is not a window like 22:00-07:00 (24-hour HH:MM-HH:MM)` };
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (end > 1440) return { error: `"${text}": 24:00 is the latest end` };
  if (start === end) return { error: `"${text}" starts and ends at the same minute` };
  return { text: text.trim(), start, end };
}

/** Whether a local clock reading (minutes after midnight) falls in a window. */
export function inWindow(w: Window, minute: number): boolean {
  return w.start < w.end ? minute >= w.start && minute < w.end : minute >= w.start || minute < w.end;
}

/** HH:MM:SS → minutes after midnight. */
export function minuteOf(localTime: string): number {
  const [h, m] = localTime.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Minutes from now until the next window opens (rounded up to the minute), and which window; an
 * open window is not "next". Ignores a daylight-saving jump in between (at most an hour off, said as
 * local time, so the client asks again then).
 */
export function nextWindow(windows: readonly Window[], minute: number): { window: Window; inMinutes: number } | undefined {
  let best: { window: Window; inMinutes: number } | undefined;
  for (const w of windows) {
    const inMinutes = (w.start - minute + 1440) % 1440 || 1440;
    if (!best || inMinutes < best.inMinutes) best = { window: w, inMinutes };
  }
  return best;
}
