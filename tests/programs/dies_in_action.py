"""The barrier's action ends its process with os._exit(1): the last party to arrive dies
INSIDE wait(), holding the barrier's lock, so the barrier is wedged for good."""

import multiprocessing
import os


def die():
    print("the action exits", flush=True)
    os._exit(1)


def party(name, barrier, seconds):
    multiprocessing.Event().wait(seconds)
    print(f"{name} arrives", flush=True)
    barrier.wait()


if __name__ == "__main__":
    barrier = multiprocessing.Barrier(3, action=die, timeout=20)
    procs = [
        multiprocessing.Process(target=party, args=(name, barrier, 0.2 * i))
        for i, name in enumerate(("First", "Second", "Last"))
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
