"""The plan's pages, one module per part of the plan: ``work_plan`` (phases, tasks and their
files), ``meetings``, ``rectification``, ``notices`` and ``evaluations``; ``common`` holds the
access rules and form helpers they share. Every form is a plain POST that comes back to the page
it was sent from."""
