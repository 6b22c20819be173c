# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def diff(a, i: int):
    # a: int64 (i,). out[0] = a[0], out[k] = a[k] - a[k - 1]
    return a - a
