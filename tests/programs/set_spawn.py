"""A program that calls set_start_method("spawn") itself; the barrier is a module global
passed explicitly, and workers are a Process subclass with their own run()."""

import multiprocessing
import time


class Rower(multiprocessing.Process):
    def __init__(self, seat, barrier):
        super().__init__(name=f"Rower {seat}")
        self.seat = seat
        self.barrier = barrier

    def run(self):
        time.sleep(0.02 * self.seat)
        self.barrier.wait()
        print(f"Rower {self.seat} pulls")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    barrier = multiprocessing.Barrier(2)
    rowers = [Rower(seat, barrier) for seat in (1, 2)]
    for r in rowers:
        r.start()
    for r in rowers:
        r.join()
    print("stroke!")
