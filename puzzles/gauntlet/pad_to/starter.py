# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def pad_to(a, i: int, j: int):
    # a: int64 (i,). Return (j,): the first min(i, j) values of a, then 0s
    return a
