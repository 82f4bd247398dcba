"""`import multiprocessing as mp`, named processes, and the start method chosen by the program
itself with set_start_method (argv[1]); argv[2] is the number of workers."""

import multiprocessing as mp
import sys
import time


def worker(barrier, seconds):
    time.sleep(seconds)
    index = barrier.wait()
    print(f"{mp.current_process().name} passed with index {index}")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    count = int(sys.argv[2])
    barrier = mp.Barrier(count)
    procs = [
        mp.Process(target=worker, args=(barrier, 0.02 * i), name=f"Worker-{i}")
        for i in range(count)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("done", [p.exitcode for p in procs])
