# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def triu(j: int):
    # int64 (j, j): 1 where row <= column, else 0
    return eye(j)
