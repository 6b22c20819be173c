# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def diag(a):
    # a: int64 (i, i). Return the (i,) diagonal: out[k] = a[k, k]
    return a[0]
