# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def scatter_add(values, link, j: int):
    # values, link: int64 (i,), link in [0, j). out[link[k]] += values[k]
    return bincount(link, j)
