"""A program that raises while its workers wait at a barrier that can never trip: natively
Python would hang at exit, joining them."""

from multiprocessing import Barrier, Process


def worker(name, barrier):
    print(f"{name} waits", flush=True)
    barrier.wait()


if __name__ == "__main__":
    barrier = Barrier(3)
    procs = [Process(target=worker, args=(n, barrier)) for n in ("Left", "Right")]
    for p in procs:
        p.start()
    raise RuntimeError("the third worker was never started")
