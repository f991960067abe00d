// Read iCalendar feeds with ts-ics (the parser of TypeScript web apps) and print their events as JSON.
//
//   node tests/js/tsics_events.mjs < feeds.json   -> [[event, ...], ...]
//
// stdin is a JSON array of feed texts. Each event is
//   {uid, summary, description, location, status, start, end, startUtc, endUtc, recurrenceId, rrule, geo}
// with start/end "YYYY-MM-DD" for all-day events (end exclusive, as in the feed) and null
// otherwise; startUtc/endUtc the instants ts-ics computed for timed events, from the feed's own
// VTIMEZONEs. A feed ts-ics cannot parse makes the script exit 1 with the error on stderr.

import { readFileSync } from "node:fs";
import { convertIcsCalendar } from "ts-ics";

function day(value) {
  return value && value.type === "DATE" ? value.date.toISOString().slice(0, 10) : null;
}

function instant(value) {
  return value && value.type !== "DATE" ? value.date.toISOString().replace(".000Z", "Z") : null;
}

function events(text) {
  const calendar = convertIcsCalendar(undefined, text);
  return (calendar.events ?? []).map((event) => ({
    uid: event.uid,
    summary: event.summary ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    status: event.status ?? null,
    start: day(event.start),
    end: day(event.end),
    startUtc: instant(event.start),
    endUtc: instant(event.end),
    recurrenceId: event.recurrenceId ? instant(event.recurrenceId.value) ?? day(event.recurrenceId.value) : null,
    rrule: event.recurrenceRule ? JSON.stringify(event.recurrenceRule) : null,
    geo: event.geo ? event.geo.split(";").map(Number) : null,  // ts-ics keeps GEO as its text
  }));
}

const feeds = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(feeds.map(events)) + "\n");
