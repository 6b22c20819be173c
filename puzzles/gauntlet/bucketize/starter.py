# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def bucketize(v, boundaries):
    # v: (i,), boundaries: (j,) sorted. out[k] = #{boundaries <= v[k]}
    return 0 * v
