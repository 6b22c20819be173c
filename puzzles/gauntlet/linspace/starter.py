# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def linspace(i, j, n: int):
    # i, j: float32 (1,). Return float32 (n,): i + (j - i) * k / max(1, n - 1)
    return i + 0 * arange(n)
