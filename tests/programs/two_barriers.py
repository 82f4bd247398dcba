"""Two barriers: the first gathers the cooks, the second gathers cooks and waiters."""

from multiprocessing import Barrier, Process


def cook(name, kitchen, service):
    kitchen.wait()
    service.wait()
    print(f"{name} serves")


def waiter(name, service):
    service.wait()
    print(f"{name} carries")


if __name__ == "__main__":
    kitchen = Barrier(2)
    service = Barrier(3)
    staff = [
        Process(target=cook, args=("Chef", kitchen, service)),
        Process(target=cook, args=("Sous-chef", kitchen, service)),
        Process(target=waiter, args=("Waiter", service)),
    ]
    for p in staff:
        p.start()
    for p in staff:
        p.join()
