"""A program that never finishes: Spinner loops forever in its own code (holding the GIL), so
Waiter stands at Barrier(2) for good.  "Who is missing" must show Spinner's stack in `spin`."""

from multiprocessing import Barrier, Process


def spin(name, barrier):
    total = 0
    while True:  # the bug: the loop never ends, so spin() never reaches barrier.wait()
        total += 1
    barrier.wait()


def wait(name, barrier):
    print(f"{name} waits", flush=True)
    barrier.wait()


if __name__ == "__main__":
    barrier = Barrier(2)
    procs = [
        Process(target=spin, args=("Spinner", barrier)),
        Process(target=wait, args=("Waiter", barrier)),
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
