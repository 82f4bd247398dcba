"""`multiprocessing.get_context(method).Barrier(...)`, parties named by their first argument."""

import multiprocessing
import sys
import time


def party(name, barrier, seconds):
    print(f"{name} working")
    time.sleep(seconds)
    barrier.wait()
    print(f"{name} released")


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    barrier = ctx.Barrier(3, timeout=20)
    names = ["Alpha", "Beta", "Gamma"]
    procs = [ctx.Process(target=party, args=(n, barrier, 0.03 * i)) for i, n in enumerate(names)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("all released")
