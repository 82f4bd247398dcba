"""One barrier reused for two stages, with an action that announces each trip."""

import time
from multiprocessing import Barrier, Process


def announce():
    print("*** everyone arrived ***", flush=True)


def hero(name, barrier, seconds):
    for stage in (1, 2):
        time.sleep(seconds * stage)
        print(f"{name} at gate {stage}")
        barrier.wait()
    print(f"{name} finished")


if __name__ == "__main__":
    gate = Barrier(3, action=announce)
    heroes = [
        Process(target=hero, args=(n, gate, s))
        for n, s in [("Warrior", 0.02), ("Mage", 0.05), ("Rogue", 0.03)]
    ]
    for h in heroes:
        h.start()
    for h in heroes:
        h.join()
