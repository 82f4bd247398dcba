"""A slower two-barrier program for the trace window: cooks meet, then cooks and a waiter.

`python kitchen.py [SCALE]` multiplies every sleep by SCALE (default 1).
"""

import sys
import time
from multiprocessing import Barrier, Process


def cook(name, seconds, kitchen, service):
    print(f"{name} starts cooking")
    time.sleep(seconds)
    print(f"{name}: dish ready")
    kitchen.wait()
    time.sleep(seconds / 2)
    service.wait()
    print(f"{name} serves")


def waiter(name, seconds, service):
    print(f"{name} sets the tables")
    time.sleep(seconds)
    service.wait()
    print(f"{name} carries the plates")


if __name__ == "__main__":
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    kitchen = Barrier(2)
    service = Barrier(3)
    staff = [
        Process(target=cook, args=("Chef", 1.2 * scale, kitchen, service), name="Chef"),
        Process(target=cook, args=("Sous-chef", 0.7 * scale, kitchen, service), name="Sous-chef"),
        Process(target=waiter, args=("Waiter", 0.4 * scale, service), name="Waiter"),
    ]
    for p in staff:
        p.start()
    for p in staff:
        p.join()
    print("Dinner is served")
