// Read an iCalendar feed with Mozilla's ical.js (Thunderbird's parser) and print its events as JSON.
//
//   node tests/js/icaljs_events.mjs [ZONE] < feed.ics            -> [event, ...]
//   node tests/js/icaljs_events.mjs [ZONE] --many < feeds.json   -> [[event, ...], ...]
//
// ZONE (default Europe/Stockholm) is the IANA zone the local start/end are given in. ical.js
// alone turns each DTSTART/DTEND into an instant, using the feed's own VTIMEZONE (a TZID
// without one falls back to floating time, so a missing VTIMEZONE shows up as a wrong hour);
// Node's Intl only formats that instant in ZONE. Each event is
//   {uid, summary, description, location, status, sequence, allDay, start, end, startUtc,
//    endUtc, tzid, recurrenceId, rrule, geo}
// with start/end "YYYY-MM-DD" for all-day events (end exclusive, as in the feed) and
// "YYYY-MM-DDTHH:MM:SS" local time in ZONE otherwise; absent values are null.
// With --many, stdin is a JSON array of feed texts (one Node start for a whole suite).
// A feed ical.js cannot parse makes the script exit 1 with the error on stderr.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const args = process.argv.slice(2);
const many = args.includes("--many");
const zone = args.find((a) => !a.startsWith("--")) ?? "Europe/Stockholm";

const format = new Intl.DateTimeFormat("en-CA", {
  timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});

function local(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();  // a DATE stays a date: no zone applies
  const parts = Object.fromEntries(format.formatToParts(time.toJSDate()).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

function utc(time) {
  return time && !time.isDate ? time.toJSDate().toISOString().replace(".000Z", "Z") : null;
}

function events(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  return root.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const start = event.startDate;
    const end = event.endDate;
    const rrule = component.getFirstPropertyValue("rrule");
    const recurrenceId = component.getFirstPropertyValue("recurrence-id");
    return {
      uid: event.uid,
      summary: event.summary ?? null,
      description: event.description ?? null,
      location: event.location ?? null,
      status: component.getFirstPropertyValue("status"),
      sequence: event.sequence,
      allDay: start.isDate,
      start: local(start),
      end: local(end),
      startUtc: utc(start),
      endUtc: utc(end),
      tzid: start.isDate ? null : start.zone.tzid,
      recurrenceId: recurrenceId ? (recurrenceId.isDate ? recurrenceId.toString() : local(recurrenceId)) : null,
      rrule: rrule ? rrule.toString() : null,
      geo: component.getFirstPropertyValue("geo") ?? null,  // [latitude, longitude]
    };
  });
}

const input = readFileSync(0, "utf8");
const result = many ? JSON.parse(input).map(events) : events(input);
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
