# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def repeat(a, d):
    # a: int64 (i,), d: int64 (1,). Return (d[0], i): every row is a
    return a[None]
