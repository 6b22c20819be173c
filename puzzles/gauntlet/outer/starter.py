# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def outer(a, b):
    # a: (i,), b: (j,). Return (i, j) with out[r, c] = a[r] * b[c]
    return a * 1
