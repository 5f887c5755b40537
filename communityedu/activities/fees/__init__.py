"""Lecture fees (上课费): what the community school pays lecturers for lecture-hall lectures.

The town office or the community school sets a **fee standard**: an amount per lecturer per
lecture, in force from a date. Standards are never edited; a new one is a new row, and the one in
force on a lecture's date is the latest whose date is on or before it (of two set for the same
date, the later one). So the history of what the town decided stays readable.

Payments are a **ledger** (design principle 3). Once a lecture-hall lecture has been held (it
ended and was not cancelled), a *due* entry is recorded for each of its lecturers, carrying the
amount of the standard in force on the lecture's date — a snapshot, so a later standard does not
change fees already recorded. A due fee is *pending* until a *paid* entry records the voucher
number (凭证号) and the date of payment. A mistake is corrected by a *reversal* entry with a reason;
the original entries stay. A fee's status is read from its entries: reversed if a reversal exists,
paid if a payment does, otherwise pending.

Entries of one lecturer at one lecture share a *generation*: the number of reversals before
them. At most one entry of each kind exists per generation (a database rule), which makes
concurrent clicks collapse into one row. After a reversal the fee can be recorded again, in the
next generation — the way to correct a wrong amount.

The package is split by concern: ``constants`` (entry kinds and statuses), ``models`` (registered
through ``activities.models``), ``permissions`` (who sets standards and records fees),
``selectors`` (the reads), ``services`` (the writes) and ``export`` (the year's spreadsheet).
"""
