"""ical_read.py FILE — parses an iCalendar file with Debian's python3-icalendar
(run by /usr/bin/python3, where Debian installs it) and prints its events as
JSON: [{uid, start, start_is_date, end, summary, description, url,
categories}]. Used by t_calendar.py: the feed is read by a real parser."""
import datetime
import json
import sys

import icalendar

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
out = []
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    end = ev.decoded("DTEND")
    cats = ev.get("CATEGORIES")
    out.append({
        "uid": str(ev.get("UID")),
        "start": start.isoformat(),
        "start_is_date": isinstance(start, datetime.date) and not isinstance(start, datetime.datetime),
        "end": end.isoformat(),
        "summary": str(ev.get("SUMMARY")),
        "description": str(ev.get("DESCRIPTION")),
        "url": str(ev.get("URL")) if ev.get("URL") is not None else None,
        "categories": [str(c) for c in cats.cats] if cats is not None else [],
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "events": out}))
