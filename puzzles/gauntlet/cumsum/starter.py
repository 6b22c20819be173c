# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def cumsum(a):
    # a: int64 (i,). Return (i,) with out[k] = a[0] + ... + a[k]
    return a
