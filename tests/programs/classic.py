"""The classic article's program: three systems get ready, then launch together."""

import time
from multiprocessing import Barrier, Process


def prepare(name, barrier, seconds):
    print(f"{name} preparing…")
    time.sleep(seconds)
    print(f"{name} ready.")
    barrier.wait()
    print(f"{name}: go!")


if __name__ == "__main__":
    barrier = Barrier(3)
    systems = [("Navigation", 0.05), ("Propulsion", 0.15), ("Communication", 0.1)]
    processes = [Process(target=prepare, args=(n, barrier, s)) for n, s in systems]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    print("🚀 All systems go!")
