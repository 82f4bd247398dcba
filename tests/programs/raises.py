"""A program with a bug: its workers pass the barrier, then the main program raises."""

from multiprocessing import Barrier, Process


def worker(name, barrier):
    barrier.wait()
    print(f"{name} passed")


def compute_average(values):
    return sum(values) / len(values)


if __name__ == "__main__":
    barrier = Barrier(2)
    procs = [Process(target=worker, args=(n, barrier)) for n in ("Left", "Right")]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("average:", compute_average([]))
