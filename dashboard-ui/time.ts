import { h } from './dom.js';

// Times as the page shows them: the browser's own zone, date and clock alike,
// with the UTC instant in a tooltip so that a reader in another zone (or one
// comparing with a server's log) is never left guessing.

const pad = (n: number) => String(n).padStart(2, '0');

/** An epoch-ms time as local "HH:MM:SS", with the local date ("YYYY-MM-DD HH:MM:SS") when not today. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === new Date().toDateString()) return clock;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

/** A time as a <time> element: local text, the ISO UTC instant as its tooltip; "—" when there is none. */
export function stamp(ms: number | null | undefined): HTMLElement | string {
  if (!ms) return '—';
  const iso = new Date(ms).toISOString();
  return h('time', { datetime: iso, title: iso }, localTime(ms));
}

/** A duration in ms, short: "850 ms", "12.3 s", "4 min", "2 h". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
