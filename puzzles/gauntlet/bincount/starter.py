# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def bincount(a, j: int):
    # a: int64 (i,) with values in [0, j). Return int64 (j,): out[c] = #{k: a[k] == c}
    return ones(j)
