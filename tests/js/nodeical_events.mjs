// Read iCalendar feeds with node-ical (the parser of many Node.js calendar apps) and print their
// events as JSON.
//
//   TZ=UTC node tests/js/nodeical_events.mjs < feeds.json   -> [[event, ...], ...]
//
// stdin is a JSON array of feed texts. Each event (a changed occurrence of a series too) is
//   {uid, summary, description, location, status, start, end, startUtc, endUtc, recurrenceId, rrule, geo}
// with start/end "YYYY-MM-DD" for all-day events (end exclusive, as in the feed) and null
// otherwise; startUtc/endUtc the instants node-ical computed for timed events. node-ical gives a
// date as midnight of the process's zone, hence TZ=UTC. A feed node-ical cannot parse makes the
// script exit 1 with the error on stderr.

import { readFileSync } from "node:fs";
import ical from "node-ical";

function textOf(value) {
  if (value === undefined || value === null) return null;
  return typeof value === "object" && "val" in value ? value.val : String(value);
}

function day(value) {
  return value && value.dateOnly ? value.toISOString().slice(0, 10) : null;
}

function instant(value) {
  return value && !value.dateOnly ? value.toISOString().replace(".000Z", "Z") : null;
}

function one(event, recurrenceId) {
  return {
    uid: textOf(event.uid),
    summary: textOf(event.summary),
    description: textOf(event.description),
    location: textOf(event.location),
    status: textOf(event.status),
    start: day(event.start),
    end: day(event.end),
    startUtc: instant(event.start),
    endUtc: instant(event.end),
    recurrenceId: recurrenceId ?? null,
    rrule: event.rrule ? event.rrule.toString() : null,
    geo: event.geo ? [event.geo.lat, event.geo.lon] : null,
  };
}

function events(text) {
  const found = [];
  for (const item of Object.values(ical.sync.parseICS(text))) {
    if (item.type !== "VEVENT" || item.recurrenceid) continue;  // a changed occurrence: listed under its series
    found.push(one(item));
    // node-ical files each changed occurrence under more than one key (date and date-time)
    for (const changed of new Set(Object.values(item.recurrences ?? {}))) {
      found.push(one(changed, instant(changed.recurrenceid) ?? day(changed.recurrenceid)));
    }
  }
  return found;
}

const feeds = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(feeds.map(events)) + "\n");
