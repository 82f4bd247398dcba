"""A program that can never finish: Barrier(3) but only two processes (daemon=False)."""

from multiprocessing import Barrier, Process


def wait_forever(name, barrier):
    print(f"{name} waits", flush=True)
    barrier.wait()


if __name__ == "__main__":
    barrier = Barrier(3)
    procs = [Process(target=wait_forever, args=(n, barrier)) for n in ("First", "Second")]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
