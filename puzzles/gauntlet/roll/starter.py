# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def roll(a, i: int):
    # a: int64 (i,). out[k] = a[(k + 1) % i]
    return a
