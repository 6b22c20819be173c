# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def vstack(a, b):
    # a, b: int64 (i,). Return (2, i): row 0 is a, row 1 is b
    return outer(ones(2), a)
