# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def flatten(a, i: int, j: int):
    # a: int64 (i, j). Return (i * j,): row 0, then row 1, ...
    return a[0]
