# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def heaviside(a, b):
    # a, b: int64 (i,). b[k] where a[k] == 0, else 1 if a[k] > 0 else 0
    return b
