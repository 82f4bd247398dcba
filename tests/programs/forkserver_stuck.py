"""Forkserver parties at a barrier that can never trip (Barrier(3), two processes), so the
program runs until it is stopped or its tracer dies."""

import multiprocessing


def wait_forever(name, barrier):
    print(f"{name} waits", flush=True)
    barrier.wait()


if __name__ == "__main__":
    ctx = multiprocessing.get_context("forkserver")
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=wait_forever, args=(n, barrier)) for n in ("First", "Second")]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
