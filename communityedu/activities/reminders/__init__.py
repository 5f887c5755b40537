"""Reminders of tomorrow's activities: a resident registered for an activity is reminded the day
before it.

On the portal's home page, always: **明天的活动** lists the activities of tomorrow (the town's local
date) the resident is registered for, with the time and the place. By SMS, only where SMS is
configured and only to a resident who opted in on the security page (``User.sms_reminders``;
turning it on or off is audited): the periodic jobs send each registration's reminder once, the
day before, and never at night — only between 08:00 and 21:00 local time, so a run at night sends
nothing and the next run in the day sends. A registration made after 21:00 for the next day gets
no SMS (the portal still shows it).

Exactly once is held by the database: a reminder row, unique per registration, is inserted before
the message goes, so a rerun or a second run at the same moment finds it and sends nothing. If the
process dies between the row and the message, that one reminder is lost rather than sent twice.

Split by concern: ``models`` (registered through ``activities.models``), ``selectors`` (tomorrow's
list, the reminders sent), ``services`` (the opt-in and the job).
"""
