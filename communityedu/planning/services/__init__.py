"""Writes of the plan, one module per part of it: ``tasks`` (phases and tasks), ``files`` (their
evidence and the rectification items'), ``meetings``, ``rectification``, ``notices`` and
``evaluations``; ``common`` holds what they share. Each function is atomic and audited, and is
the only writer of its rows; permission checks are the callers' (views, API), which know who asks.
"""
