# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def compress(g, v, i: int):
    # g: bool (i,), v: int64 (i,). Survivors v[g] packed to the front, then 0s
    return v * g
