"""A batch job (a roster import) pauses Python's cyclic collector, and every pause ends."""

import gc
import threading

from communityedu.core import bulk


def test_the_collector_is_paused_during_a_batch_job_and_running_again_after_every_pause_ends():
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()
    seen = []

    def other_job():
        with bulk.gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_job)
    with bulk.gc_paused():
        seen.append(gc.isenabled())
        worker.start()
        inside.wait(5)
    seen.append(gc.isenabled())  # the other job still holds its pause
    release.set()
    worker.join(5)
    seen.append(gc.isenabled())

    assert seen == [False, False, True]
