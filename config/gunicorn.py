"""How `make run` serves the app with gunicorn (and bench/bench_check_in.py measures it).

The layout (workers x threads, worker class) was chosen by measurement: docs/performance.md,
"Check-in". The command line may add to it (`--bind`, the access log).
"""

worker_class = "gthread"
workers = 2
threads = 4
